import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { CheckContext } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { type AnyGroup, VoteCryptoError, voteGroup } from '../../voting-crypto/index.js';
import { readCredentialIndex, readElection, readVoter } from './codecs.js';
import type { At, Election, Phase, Voter } from './types.js';

/** When the current transaction happens. */
export const at = (ctx: Pick<CheckContext, 'height' | 'txHash'>): At => ({
  height: ctx.height,
  tx: ctx.txHash,
});

/** The election `id` (VOTING_NOT_FOUND). */
export function loadElection(state: StateReader, id: string): Election {
  const e = readElection(state, id);
  if (e === undefined) throw new GongzhiError('VOTING_NOT_FOUND', 'no such election', { id });
  return e;
}

/** The sender is the election's registrar (VOTING_NOT_REGISTRAR). */
export function assertRegistrar(ctx: CheckContext, e: Election): void {
  if (ctx.sender !== e.registrar) {
    throw new GongzhiError('VOTING_NOT_REGISTRAR', 'only the election’s registrar may do this', {
      id: e.id,
      registrar: e.registrar,
    });
  }
}

/** The election is in `phase` (VOTING_BAD_PHASE naming both). */
export function assertPhase(e: Election, ...phases: Phase[]): void {
  if (!phases.includes(e.phase)) {
    throw new GongzhiError(
      'VOTING_BAD_PHASE',
      `the election is ${e.phase}; this needs ${phases.join(' or ')}`,
      {
        id: e.id,
        phase: e.phase,
      },
    );
  }
}

/** Voting is open: VOTING_NOT_OPEN before, VOTING_CLOSED after. */
export function assertVotingOpen(e: Election): void {
  if (e.phase === 'setup' || e.phase === 'frozen') {
    throw new GongzhiError('VOTING_NOT_OPEN', 'voting has not opened', { id: e.id, phase: e.phase });
  }
  if (e.phase !== 'open')
    throw new GongzhiError('VOTING_CLOSED', 'voting is closed', { id: e.id, phase: e.phase });
}

/** The trustee index (1-based) of the sender (VOTING_NOT_TRUSTEE). */
export function trusteeIndex(ctx: CheckContext, e: Election): number {
  const i = e.trustees.indexOf(ctx.sender);
  if (i < 0)
    throw new GongzhiError('VOTING_NOT_TRUSTEE', 'the sender is not a trustee of this election', {
      id: e.id,
    });
  return i + 1;
}

/** The enrolled voter with this credential (VOTING_NOT_ENROLLED). */
export function enrolledVoter(state: StateReader, e: Election, credential: Uint8Array): Voter {
  const i = readCredentialIndex(state, e.id, toHex(credential));
  const v = i === undefined ? undefined : readVoter(state, e.id, i);
  if (v === undefined) {
    throw new GongzhiError('VOTING_NOT_ENROLLED', 'this credential is not in the electorate', {
      id: e.id,
      credential: toHex(credential),
    });
  }
  return v;
}

/** The ristretto255 protocol's group (VOTING_WRONG_GROUP for an election in Belenios' group). */
export function groupOf(e: Pick<Election, 'group'> & { readonly id?: string }): AnyGroup {
  if (e.group === 'BELENIOS-2048') {
    throw new GongzhiError(
      'VOTING_WRONG_GROUP',
      'this election runs in BELENIOS-2048: use the belenios* methods',
      {
        id: e.id,
      },
    );
  }
  return voteGroup(e.group);
}

/** Run a crypto check, turning its failure into the module's code for it. */
export function cryptoCheck<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof VoteCryptoError)) throw e;
    const code =
      e.reason === 'BAD_PROOF'
        ? 'VOTING_BAD_PROOF'
        : e.reason === 'BAD_SIGNATURE'
          ? 'VOTING_BAD_SIGNATURE'
          : e.reason === 'TOO_MANY_CHOICES'
            ? 'VOTING_TOO_MANY_CHOICES'
            : 'VOTING_BAD_BALLOT';
    throw new GongzhiError(code, `${what}: ${e.message}`, { reason: e.reason });
  }
}

/** Trustee `t`'s decryption factor at tally position `pos` (CHAIN_INVALID when missing). */
export function factorAt(
  t: { index: number; partial?: readonly { factor: Uint8Array }[] },
  pos: number,
): Uint8Array {
  const f = t.partial?.[pos];
  if (f === undefined)
    throw new GongzhiError('CHAIN_INVALID', `trustee ${t.index} has no factor ${pos}`, { pos });
  return f.factor;
}
