import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { defineMethod, type ExecContext, readArgs, S } from '../../execution/index.js';
import {
  actsFor,
  assertLive,
  type DataRequest,
  type DatasetVersion,
  type Delivery,
  foundRequest,
  indexAudit,
  keys,
  ownedRequest,
  readCounter,
  readDelivery,
  readVersion,
  writeCounter,
  writeDelivery,
  writeRequest,
} from './state.js';

/** Log a delivery: the record, the request's count, and the audit indexes of dataset and both departments. */
function logDelivery(
  ctx: ExecContext,
  q: DataRequest,
  version: number,
  digest: Uint8Array,
  size: number,
  request: DataRequest,
): number {
  const id = readCounter(ctx.state, keys.nextDelivery()) + 1;
  const d: Delivery = {
    id,
    request: q.id,
    dataset: q.dataset,
    version,
    digest,
    size,
    owner: q.owner,
    grantee: q.requester,
    account: ctx.sender,
    height: ctx.height,
    timestamp: ctx.timestamp,
    tx: ctx.txHash,
  };
  writeDelivery(ctx.state, d);
  writeCounter(ctx.state, keys.nextDelivery(), id);
  writeRequest(ctx.state, { ...request, deliveries: q.deliveries + 1 });
  indexAudit(ctx.state, 'dataset', q.dataset, id);
  indexAudit(ctx.state, 'dept', q.owner, id);
  if (q.requester !== q.owner) indexAudit(ctx.state, 'dept', q.requester, id);
  ctx.emit('delivered', {
    delivery: id,
    request: q.id,
    dataset: q.dataset,
    version,
    digest,
    grantee: q.requester,
  });
  return id;
}

export interface DeliverArgs {
  readonly request: number;
  readonly version: number;
}

/**
 * `deliver`: the grantee opens a delivery of one version under a live grant. It is logged before
 * any byte moves: the owner's node serves only an opened delivery (to the account that opened it),
 * so a delivery outside a live grant — expired, revoked, over its limit — cannot happen unlogged.
 */
export const deliver = defineMethod<DeliverArgs, { q: DataRequest; v: DatasetVersion }>({
  summary: 'Open (and log) the delivery of a dataset version under a live grant',
  args: S.Object({ request: S.Uint(), version: S.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  parse: (v) => {
    const r = readArgs(v, ['request', 'version']);
    return { request: r.uint('request'), version: r.uint('version') };
  },
  check: ({ state, sender, timestamp }, a) => {
    const q = foundRequest(state, a.request);
    if (!actsFor(state, sender, q.requester)) {
      throw new GongzhiError('DATASHARE_NOT_MEMBER', 'only the requesting department may open a delivery', {
        request: q.id,
        grantee: q.requester,
      });
    }
    if (q.kind !== 'data') {
      throw new GongzhiError('DATASHARE_WRONG_KIND', 'an answer request is answered, not delivered', {
        request: q.id,
      });
    }
    assertLive(q, timestamp);
    const v = readVersion(state, q.dataset, a.version);
    if (v === undefined) {
      throw new GongzhiError('DATASHARE_NO_VERSION', 'no such version', {
        dataset: q.dataset,
        version: a.version,
      });
    }
    return { q, v };
  },
  apply: (ctx, a, { q, v }) => {
    logDelivery(ctx, q, a.version, v.digest, v.size, q);
  },
});

export interface AnswerArgs {
  readonly request: number;
  readonly digest: Uint8Array;
}

/**
 * `answer`: the owner answers an answer request (e.g. yes/no) instead of sharing records. The
 * signed statement travels off the ledger; its digest is logged here like a delivery. Answering
 * a pending request grants it.
 */
export const answer = defineMethod<AnswerArgs, DataRequest>({
  summary: 'Answer an answer request (yes/no statement off the ledger, its digest logged)',
  args: S.Object(
    { request: S.Uint(), digest: S.Hex(32, 'hash of the signed answer statement') },
    {
      additionalProperties: false,
    },
  ),
  parse: (v) => {
    const r = readArgs(v, ['request', 'digest']);
    return { request: r.uint('request'), digest: r.digest('digest') };
  },
  check: ({ state, sender, timestamp }, a) => {
    const q = ownedRequest(state, a.request, sender);
    if (q.kind !== 'answer') {
      throw new GongzhiError('DATASHARE_WRONG_KIND', 'a data request is delivered, not answered', {
        request: q.id,
      });
    }
    if (q.status !== 'pending') assertLive(q, timestamp);
    return q;
  },
  apply: (ctx, a, q) => {
    const granted: DataRequest =
      q.status === 'pending'
        ? {
            ...q,
            status: 'granted',
            decided: { by: ctx.sender, height: ctx.height, timestamp: ctx.timestamp },
          }
        : q;
    logDelivery(ctx, q, 0, a.digest, 0, granted);
  },
});

export interface ConfirmArgs {
  readonly delivery: number;
  readonly digest: Uint8Array;
}

/**
 * `confirm`: the grantee states the digest of what it received; it must equal the catalogue's
 * digest of that version (DATASHARE_DIGEST_MISMATCH otherwise, and nothing is recorded).
 */
export const confirm = defineMethod<ConfirmArgs, Delivery>({
  summary: 'Confirm receipt of a delivery with the digest of the bytes received',
  args: S.Object({ delivery: S.Uint(), digest: S.Hex(32) }, { additionalProperties: false }),
  parse: (v) => {
    const r = readArgs(v, ['delivery', 'digest']);
    return { delivery: r.uint('delivery'), digest: r.digest('digest') };
  },
  check: ({ state, sender }, a) => {
    const d = readDelivery(state, a.delivery);
    if (d === undefined)
      throw new GongzhiError('DATASHARE_NOT_FOUND', 'no such delivery', { delivery: a.delivery });
    if (!actsFor(state, sender, d.grantee)) {
      throw new GongzhiError('DATASHARE_NOT_MEMBER', 'only the grantee confirms a delivery', {
        grantee: d.grantee,
      });
    }
    if (d.confirmed !== undefined) {
      throw new GongzhiError('DATASHARE_CONFIRMED', 'already confirmed', { delivery: d.id });
    }
    if (toHex(d.digest) !== toHex(a.digest)) {
      throw new GongzhiError(
        'DATASHARE_DIGEST_MISMATCH',
        'received bytes differ from the catalogue version',
        {
          delivery: d.id,
          expected: toHex(d.digest),
          got: toHex(a.digest),
        },
      );
    }
    return d;
  },
  apply: (ctx, _a, d) => {
    writeDelivery(ctx.state, { ...d, confirmed: { height: ctx.height, tx: ctx.txHash } });
    ctx.emit('confirmed', { delivery: d.id, request: d.request });
  },
});
