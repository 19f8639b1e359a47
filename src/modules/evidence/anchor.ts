import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import { readDigestArg, schemas } from './args.js';
import { indexSigner, readBatch, readMeta, readRecord, writeRecord } from './record.js';
import { EVIDENCE_ALGS, type EvidenceAlg, type EvidenceMeta, MAX_BATCH_COUNT } from './types.js';

/** Arguments of `evidence.anchor`. */
export interface AnchorArgs {
  readonly digest: Uint8Array;
  readonly alg: EvidenceAlg;
  readonly meta: EvidenceMeta;
  readonly batch?: { readonly count: number };
}

/** Parse anchor arguments (EXEC_BAD_ARGS, EVIDENCE_BAD_DIGEST). */
export function parseAnchorArgs(v: Parameters<typeof readArgs>[0]): AnchorArgs {
  const r = readArgs(v, ['digest', 'alg', 'meta', 'batch']);
  const digest = readDigestArg(r);
  const alg = r.oneOf('alg', EVIDENCE_ALGS);
  const meta = readMeta(r);
  const batch = readBatch(r);
  return batch === undefined ? { digest, alg, meta } : { digest, alg, meta, batch };
}

/**
 * `anchor`: record a digest (or a batch's Merkle root) with who/when/how it was captured. The
 * anchoring account is its first signer. Refused when the digest is anchored already.
 */
export const anchor = defineMethod<AnchorArgs>({
  summary: 'Anchor a file digest (or a batch root) with how, when and by whom it was captured',
  args: S.Object(
    {
      digest: schemas.digest,
      alg: schemas.alg,
      meta: schemas.meta,
      batch: S.Optional(S.Object({ count: S.Integer({ minimum: 1, maximum: MAX_BATCH_COUNT }) })),
    },
    { additionalProperties: false },
  ),
  parse: parseAnchorArgs,
  check: ({ state }, a) => {
    const existing = readRecord(state, a.digest);
    if (existing !== undefined) {
      throw new GongzhiError('EVIDENCE_EXISTS', 'this digest is already anchored', {
        digest: toHex(a.digest),
        height: existing.anchoredAt.height,
      });
    }
  },
  apply: (ctx, a) => {
    writeRecord(ctx.state, {
      digest: a.digest,
      alg: a.alg,
      meta: a.meta,
      ...(a.batch === undefined ? {} : { batch: a.batch }),
      anchoredAt: { height: ctx.height, timestamp: ctx.timestamp, tx: ctx.txHash },
      signers: [{ account: ctx.sender, height: ctx.height, tx: ctx.txHash }],
      notes: [],
    });
    indexSigner(ctx.state, ctx.sender, a.digest);
    ctx.emit('anchored', {
      digest: a.digest,
      alg: a.alg,
      signer: ctx.sender,
      ...(a.batch === undefined ? {} : { batchCount: a.batch.count }),
    });
  },
});
