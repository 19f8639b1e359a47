import { defineMethod } from '../../execution/index.js';
import { writeAssociation } from './association.js';
import {
  appendDigest,
  appendLot,
  type EventRecord,
  eventIdValue,
  itemKeys,
  writeEvent,
  writeItem,
} from './items.js';
import { parseRecordArgs, type RecordArgs, recordArgsSchema } from './record-args.js';
import { writeHarvest } from './registry.js';
import { planRecord, type RecordPlan } from './rules.js';

/**
 * `record`: put one EPCIS event's summary on the ledger — its CBV 2.0 canonical hash, type, time,
 * bizStep, location and the identifiers it touches — under the fraud rules (rules.ts). The full
 * event stays with the recording organisation's node, which serves it; anyone re-hashes it
 * against this record.
 */
export const record = defineMethod<RecordArgs, RecordPlan>({
  summary: 'Record an EPCIS event’s summary (canonical hash, type, time, bizStep, location, identifiers)',
  args: recordArgsSchema,
  parse: parseRecordArgs,
  check: ({ state, sender }, a) => planRecord(state, sender, a),
  apply: (ctx, a, plan) => {
    const e: EventRecord = {
      hash: a.hash,
      type: a.type,
      ...(a.action === undefined ? {} : { action: a.action }),
      eventTime: a.eventTime,
      bizStep: a.bizStep,
      ...(a.disposition === undefined ? {} : { disposition: a.disposition }),
      ...(a.location === undefined ? {} : { location: a.location }),
      ...(a.season === undefined ? {} : { season: a.season }),
      ...(a.destination === undefined ? {} : { destination: a.destination }),
      ids: a.ids,
      recorder: plan.recorder.id,
      account: ctx.sender,
      height: ctx.height,
      tx: ctx.txHash,
    };
    writeEvent(ctx.state, e);
    appendDigest(ctx.state, itemKeys.eventCount(), itemKeys.eventAt, a.hash);
    for (const item of plan.items) writeItem(ctx.state, item);
    for (const key of plan.newLots) appendLot(ctx.state, key);
    if (plan.harvest !== undefined) writeHarvest(ctx.state, plan.harvest.garden, plan.harvest.value);
    if (plan.association !== undefined) writeAssociation(ctx.state, plan.association);
    for (const id of a.ids)
      appendDigest(ctx.state, itemKeys.idEventCount(id.key), (n) => itemKeys.idEventAt(id.key, n), a.hash);
    ctx.emit('recorded', {
      hash: a.hash,
      type: a.type,
      bizStep: a.bizStep,
      recorder: plan.recorder.id,
      ids: a.ids.slice(0, 16).map(eventIdValue),
      idCount: a.ids.length,
    });
  },
});
