import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import { readDigestArg, schemas } from './args.js';
import { type EvidenceRecord, indexSigner, MAX_SIGNERS, writeRecord } from './record.js';
import { foundRecord, signerOf } from './signers.js';

/** Arguments of `evidence.cosign`. */
export interface CosignArgs {
  readonly digest: Uint8Array;
}

/**
 * `cosign`: another account adds its signature to anchored evidence. Refused when the record is
 * missing, when the account ever signed it (revoked or not), or when it holds MAX_SIGNERS already.
 * `check` returns the record so `apply` does not read it again.
 */
export const cosign = defineMethod<CosignArgs, EvidenceRecord>({
  summary: 'Add this account’s signature to anchored evidence',
  args: S.Object({ digest: schemas.digest }, { additionalProperties: false }),
  parse: (v) => ({ digest: readDigestArg(readArgs(v, ['digest'])) }),
  check: ({ state, sender }, a) => {
    const r = foundRecord(state, a.digest);
    const s = signerOf(r, sender);
    if (s !== undefined) {
      throw new GongzhiError('EVIDENCE_ALREADY_SIGNED', 'account already signed this evidence', {
        account: sender,
        revoked: s.revoked !== undefined,
      });
    }
    if (r.signers.length >= MAX_SIGNERS) {
      throw new GongzhiError('EVIDENCE_LIMIT', `a record holds at most ${MAX_SIGNERS} signers`, {
        max: MAX_SIGNERS,
      });
    }
    return r;
  },
  apply: (ctx, a, r) => {
    writeRecord(ctx.state, {
      ...r,
      signers: [...r.signers, { account: ctx.sender, height: ctx.height, tx: ctx.txHash }],
    });
    indexSigner(ctx.state, ctx.sender, a.digest);
    ctx.emit('cosigned', { digest: a.digest, signer: ctx.sender, signers: r.signers.length + 1 });
  },
});
