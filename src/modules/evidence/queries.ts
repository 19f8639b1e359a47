import { GongzhiError } from '../../errors/index.js';
import { defineQuery, type QueryArgs, S } from '../../execution/index.js';
import { recordJson, signedDigestAt, signerCount } from './record.js';
import { foundRecord } from './signers.js';
import type { EvidenceRecordJson } from './types.js';

/** Largest page the `bySigner` query returns. */
export const MAX_QUERY_LIMIT = 1000;

/** The digest parameter (64 hex digits, `0x` allowed); EVIDENCE_BAD_DIGEST otherwise. */
function digestParam(q: QueryArgs): Uint8Array {
  try {
    return q.hex('digest', 32);
  } catch {
    throw new GongzhiError('EVIDENCE_BAD_DIGEST', 'query parameter digest must be 32 bytes of hex', {
      name: 'digest',
    });
  }
}

const recordSchema = S.Object(
  {
    digest: S.Hex(32),
    alg: S.String(),
    meta: S.Record(S.String(), S.Unknown()),
    batch: S.Optional(S.Object({ count: S.Integer() })),
    anchoredAt: S.Object({ height: S.Integer(), timestamp: S.Integer(), tx: S.Hex(32) }),
    signers: S.Array(
      S.Object({
        account: S.String(),
        height: S.Integer(),
        tx: S.Hex(32),
        revoked: S.Optional(S.Object({ height: S.Integer(), tx: S.Hex(32), reason: S.String() })),
      }),
    ),
    notes: S.Array(S.Object({ account: S.String(), height: S.Integer(), tx: S.Hex(32), text: S.String() })),
  },
  { description: 'an evidence record; bytes as hex' },
);

/** `get {digest}` → the record; EVIDENCE_NOT_FOUND when absent. */
export const get = defineQuery<EvidenceRecordJson>({
  summary: 'The evidence record of a digest: capture facts, signers (and revocations), notes',
  args: S.Object({ digest: S.Hex(32, 'the file’s digest') }),
  result: recordSchema,
  run: ({ state }, q) => recordJson(foundRecord(state, digestParam(q))),
});

/**
 * `bySigner {account, offset?, limit?}` → `{account, total, offset, digests}`: the digests the
 * account anchored or co-signed, oldest first (revoked signatures included; see `get`).
 */
export const bySigner = defineQuery({
  summary: 'The digests an account anchored or co-signed, oldest first',
  args: S.Object({
    account: S.String({ maxLength: 128, description: 'account address' }),
    offset: S.Optional(S.UintParam('first item, 0-based (default 0)')),
    limit: S.Optional(S.UintParam(`page size, ≤ ${MAX_QUERY_LIMIT} (default 100)`)),
  }),
  result: S.Object({
    account: S.String(),
    total: S.Integer(),
    offset: S.Integer(),
    digests: S.Array(S.Hex(32)),
  }),
  run: ({ state }, q) => {
    const account = q.str('account', 128, /^[^/]+$/, 'an account address');
    const total = signerCount(state, account);
    const offset = q.uint('offset', 0);
    const limit = q.uint('limit', 100, MAX_QUERY_LIMIT);
    const digests: string[] = [];
    for (let i = offset; i < total && digests.length < limit; i++) {
      const d = signedDigestAt(state, account, i);
      if (d !== undefined) digests.push(d);
    }
    return { account, total, offset, digests };
  },
});
