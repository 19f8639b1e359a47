import { type CborValue, decodeCanonical, encodeCanonical } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type Codec, defineCodec, readStored, uintCodec, writeStored } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import { actionValue, type GovAction, parseAction } from './actions.js';
import { type Committee, keys, LIMITS } from './state.js';

export type ProposalStatus = 'open' | 'passed' | 'rejected' | 'failed';
const STATUSES: readonly ProposalStatus[] = ['open', 'passed', 'rejected', 'failed'];

/** A committee proposal as kept in state. */
export interface Proposal {
  readonly id: number;
  readonly proposer: string;
  readonly action: GovAction;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** account → approve? */
  readonly votes: Readonly<Record<string, boolean>>;
  readonly status: ProposalStatus;
  /** Error code when a passed proposal could not be applied. */
  readonly failure?: string;
  readonly closedAt?: number;
}

/** The stored action must be one the module accepts as an argument: it was parsed from one. */
function readStoredAction(r: ShapeReader): GovAction {
  try {
    return parseAction(r.raw('action'));
  } catch (e) {
    if (!(e instanceof GongzhiError)) throw e;
    return r.fail('action', `a governance action (${e.message})`);
  }
}

function readVotes(r: ShapeReader): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const [account, v] of Object.entries(r.map_('votes'))) {
    if (typeof v !== 'boolean' || account.length === 0 || account.length > LIMITS.account) {
      r.fail('votes', 'a map of account → boolean');
    }
    out[account] = v;
  }
  return out;
}

/**
 * A stored proposal. Open proposals carry neither `closedAt` nor `failure`; closed ones carry
 * `closedAt`, and `failure` exactly when the status is `failed`.
 */
export const proposalCodec: Codec<Proposal> = defineCodec<Proposal>(
  'proposal',
  ['id', 'proposer', 'action', 'createdAt', 'expiresAt', 'votes', 'status', 'failure', 'closedAt'],
  (p) => ({
    id: p.id,
    proposer: p.proposer,
    action: actionValue(p.action),
    createdAt: p.createdAt,
    expiresAt: p.expiresAt,
    votes: { ...p.votes },
    status: p.status,
    ...(p.failure === undefined ? {} : { failure: p.failure }),
    ...(p.closedAt === undefined ? {} : { closedAt: p.closedAt }),
  }),
  (r) => {
    const status = r.oneOf('status', STATUSES);
    if (r.has('closedAt') !== (status !== 'open')) r.fail('closedAt', 'present exactly when closed');
    if (r.has('failure') !== (status === 'failed')) r.fail('failure', 'present exactly when failed');
    const failure = r.has('failure') ? r.str('failure', 64) : undefined;
    const closedAt = r.has('closedAt') ? r.uint('closedAt') : undefined;
    const id = r.int('id', 1);
    return {
      id,
      proposer: r.str('proposer', LIMITS.account),
      action: readStoredAction(r),
      createdAt: r.uint('createdAt'),
      expiresAt: r.uint('expiresAt'),
      votes: readVotes(r),
      status,
      ...(failure === undefined ? {} : { failure }),
      ...(closedAt === undefined ? {} : { closedAt }),
    };
  },
);

/** The proposal with this id, or GOV_PROPOSAL_NOT_FOUND (CHAIN_INVALID when it does not decode). */
export function readProposal(state: StateReader, id: number): Proposal {
  const p = readStored(state, keys.proposal(id), proposalCodec);
  if (p === undefined) throw new GongzhiError('GOV_PROPOSAL_NOT_FOUND', `no proposal ${id}`, { id });
  if (p.id !== id) {
    throw new GongzhiError('CHAIN_INVALID', `stored proposal ${id} carries id ${p.id}`, {
      key: keys.proposal(id),
    });
  }
  return p;
}

export function writeProposal(state: StateOverlay, p: Proposal): void {
  writeStored(state, keys.proposal(p.id), proposalCodec, p);
}

/** The id the next proposal gets (1 before the first). */
export function nextProposalId(state: StateReader): number {
  return readStored(state, keys.nextProposal(), uintCodec) ?? 1;
}

export function writeNextProposalId(state: StateOverlay, id: number): void {
  writeStored(state, keys.nextProposal(), uintCodec, id);
}

/**
 * The JSON view of a proposal, as the queries always returned it: the stored record's own JSON,
 * keys in its canonical (stored) order, so answers stay byte-for-byte what they were.
 */
export function proposalJson(p: Proposal): CborValue {
  const stored = decodeCanonical(encodeCanonical(proposalCodec.encode(p)));
  return JSON.parse(JSON.stringify(stored)) as CborValue;
}

/** Weighted tally over current members only: votes of accounts no longer on the committee do not count. */
export function tally(
  c: Committee,
  votes: Readonly<Record<string, boolean>>,
): 'passed' | 'rejected' | 'open' {
  let total = 0;
  let yes = 0;
  let no = 0;
  for (const m of c.members) {
    total += m.weight;
    const v = votes[m.account];
    if (v === true) yes += m.weight;
    else if (v === false) no += m.weight;
  }
  if (yes * 100 >= c.threshold * total) return 'passed';
  if (no * 100 > (100 - c.threshold) * total) return 'rejected';
  return 'open';
}
