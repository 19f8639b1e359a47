import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { CborMap } from '../../ledger/index.js';
import type { StateReader } from '../../state/index.js';
import type { Committee } from './state.js';
import { keys } from './state.js';

export type ProposalStatus = 'open' | 'passed' | 'rejected' | 'failed';

/** A committee proposal as kept in state. */
export interface Proposal {
  readonly id: number;
  readonly proposer: string;
  readonly action: CborMap;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** account → approve? */
  readonly votes: Readonly<Record<string, boolean>>;
  readonly status: ProposalStatus;
  /** Error code when a passed proposal could not be applied. */
  readonly failure?: string;
  readonly closedAt?: number;
}

export function proposalValue(p: Proposal): CborValue {
  const v: Record<string, CborValue> = {
    id: p.id,
    proposer: p.proposer,
    action: p.action,
    createdAt: p.createdAt,
    expiresAt: p.expiresAt,
    votes: { ...p.votes },
    status: p.status,
  };
  if (p.failure !== undefined) v.failure = p.failure;
  if (p.closedAt !== undefined) v.closedAt = p.closedAt;
  return v;
}

export function readProposal(state: StateReader, id: number): Proposal {
  const v = state.get(keys.proposal(id));
  if (v === undefined) throw new GongzhiError('GOV_PROPOSAL_NOT_FOUND', `no proposal ${id}`, { id });
  return v as unknown as Proposal;
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
