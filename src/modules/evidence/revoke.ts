import { defineMethod, readArgs, S } from '../../execution/index.js';
import { readDigestArg, schemas } from './args.js';
import { type EvidenceRecord, MAX_REASON_LENGTH, writeRecord } from './record.js';
import { activeSigner, foundRecord } from './signers.js';

/** Arguments of `evidence.revoke`. */
export interface RevokeArgs {
  readonly digest: Uint8Array;
  readonly reason: string;
}

/**
 * `revoke`: a signer withdraws its own signature, with a reason. The signature stays in the record,
 * marked revoked with when and why; nothing is deleted.
 */
export const revoke = defineMethod<RevokeArgs, EvidenceRecord>({
  summary: 'Withdraw this account’s signature from evidence, with a reason',
  args: S.Object(
    { digest: schemas.digest, reason: S.String({ minLength: 1, maxLength: MAX_REASON_LENGTH }) },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['digest', 'reason']);
    return { digest: readDigestArg(r), reason: r.str('reason', MAX_REASON_LENGTH) };
  },
  check: ({ state, sender }, a) => {
    const r = foundRecord(state, a.digest);
    activeSigner(r, sender);
    return r;
  },
  apply: (ctx, a, r) => {
    writeRecord(ctx.state, {
      ...r,
      signers: r.signers.map((s) =>
        s.account === ctx.sender
          ? { ...s, revoked: { height: ctx.height, tx: ctx.txHash, reason: a.reason } }
          : s,
      ),
    });
    ctx.emit('revoked', { digest: a.digest, signer: ctx.sender, reason: a.reason });
  },
});
