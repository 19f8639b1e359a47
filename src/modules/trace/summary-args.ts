import type { EventSummary } from '../../epcis/summary.js';
import type { CborMap } from '../../ledger/index.js';

/**
 * The `trace.record` arguments of an event summary (src/epcis/summary.ts) and its digest — what
 * the recording node, the CLI and the demo submit. The module re-checks every field.
 */
export function recordArgsFromSummary(s: EventSummary, digest: Uint8Array): CborMap {
  return {
    hash: digest,
    type: s.type,
    ...(s.action === undefined || s.type === 'TransformationEvent' ? {} : { action: s.action }),
    eventTime: s.eventTime,
    bizStep: s.bizStep ?? '',
    ...(s.disposition === undefined ? {} : { disposition: s.disposition }),
    ...(s.location === undefined ? {} : { location: s.location }),
    ...(s.season === undefined ? {} : { season: s.season }),
    ...(s.destination === undefined ? {} : { destination: s.destination }),
    ids: s.ids.map((i) => ({
      role: i.role,
      key: i.key,
      ...(i.grams === undefined ? {} : { grams: i.grams }),
      ...(i.units === undefined ? {} : { units: i.units }),
    })),
  };
}
