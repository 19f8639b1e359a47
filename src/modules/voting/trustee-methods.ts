import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S, writeStored } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { verifyTrusteeKey, verifyTrusteeShares } from '../../voting-crypto/index.js';
import { keys, readBytesList, readTrustee, trusteeCodec } from './codecs.js';
import { assertPhase, groupOf, loadElection, trusteeIndex } from './common.js';
import { type Election, LIMITS, type TrusteeRecord } from './types.js';

/** Every trustee's record, index order (missing ones undefined). */
export function trusteeRecords(state: StateReader, e: Election): (TrusteeRecord | undefined)[] {
  return e.trustees.map((_, i) => readTrustee(state, e.id, i + 1));
}

function setupElection(state: StateReader, id: string): Election {
  const e = loadElection(state, id);
  if (e.kind !== 'election')
    throw new GongzhiError('VOTING_WRONG_KIND', 'a resolution has no trustees', { id });
  assertPhase(e, 'setup', 'frozen');
  groupOf(e);
  return e;
}

/** Arguments of `voting.trusteeKey`. */
export interface TrusteeKeyArgs {
  readonly election: string;
  readonly publicKey: Uint8Array;
  readonly proof: Uint8Array;
}

/** `trusteeKey` (DKG round 1): a trustee publishes the key its shares are encrypted to, with a proof. */
export const trusteeKey = defineMethod<TrusteeKeyArgs, TrusteeRecord>({
  summary: 'Trustee key generation, round 1: the encryption key with its proof of knowledge',
  args: S.Object(
    { election: S.Id(), publicKey: S.Hex(32), proof: S.Hex(64, 'Schnorr proof c ‖ s') },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['election', 'publicKey', 'proof']);
    return { election: r.id('election'), publicKey: r.bytes('publicKey', 32), proof: r.bytes('proof', 64) };
  },
  check: (ctx, a) => {
    const e = setupElection(ctx.state, a.election);
    const j = trusteeIndex(ctx, e);
    const prev = readTrustee(ctx.state, e.id, j);
    if (prev?.key !== undefined)
      throw new GongzhiError('VOTING_ALREADY_POSTED', 'key posted already', { trustee: j });
    let ok = false;
    try {
      ok = verifyTrusteeKey(groupOf(e), e.id, j, a.publicKey, a.proof);
    } catch {
      ok = false;
    }
    if (!ok)
      throw new GongzhiError('VOTING_BAD_PROOF', 'the trustee key proof does not verify', { trustee: j });
    return { index: j, key: { publicKey: a.publicKey, proof: a.proof } };
  },
  apply: (ctx, a, t) => {
    writeStored(ctx.state, keys.trustee(a.election, t.index), trusteeCodec, t);
    ctx.emit('trusteeKey', { id: a.election, trustee: t.index });
  },
});

/** Arguments of `voting.trusteeShares`. */
export interface TrusteeSharesArgs {
  readonly election: string;
  readonly commitments: readonly Uint8Array[];
  readonly proof: Uint8Array;
  readonly shares: readonly Uint8Array[];
}

/**
 * `trusteeShares` (DKG round 2): Feldman commitments with a proof of knowledge of the constant
 * term, and one encrypted share per trustee. Needs every trustee's round-1 key.
 */
export const trusteeShares = defineMethod<TrusteeSharesArgs, TrusteeRecord>({
  summary: 'Trustee key generation, round 2: Feldman commitments, proof, encrypted shares',
  args: S.Object(
    {
      election: S.Id(),
      commitments: S.Array(S.Hex(32), { maxItems: LIMITS.trustees }),
      proof: S.Hex(64),
      shares: S.Array(S.Hex(64), { maxItems: LIMITS.trustees }),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['election', 'commitments', 'proof', 'shares']);
    return {
      election: r.id('election'),
      commitments: readBytesList(r, 'commitments', LIMITS.trustees, 32),
      proof: r.bytes('proof', 64),
      shares: readBytesList(r, 'shares', LIMITS.trustees, 64),
    };
  },
  check: (ctx, a) => {
    const e = setupElection(ctx.state, a.election);
    const j = trusteeIndex(ctx, e);
    const all = trusteeRecords(ctx.state, e);
    if (all.some((t) => t?.key === undefined)) {
      throw new GongzhiError('VOTING_TRUSTEES_PENDING', 'every trustee must post its key first', {
        id: e.id,
      });
    }
    const mine = all[j - 1] as TrusteeRecord;
    if (mine.shares !== undefined)
      throw new GongzhiError('VOTING_ALREADY_POSTED', 'shares posted already', { trustee: j });
    if (!verifyTrusteeShares(groupOf(e), e.id, j, e.threshold, e.trustees.length, a)) {
      throw new GongzhiError('VOTING_BAD_PROOF', 'the commitments’ proof (or their shape) does not verify', {
        trustee: j,
      });
    }
    return { ...mine, shares: { commitments: a.commitments, proof: a.proof, shares: a.shares } };
  },
  apply: (ctx, a, t) => {
    writeStored(ctx.state, keys.trustee(a.election, t.index), trusteeCodec, t);
    ctx.emit('trusteeShares', { id: a.election, trustee: t.index });
  },
});
