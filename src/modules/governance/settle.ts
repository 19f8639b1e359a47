import type { CryptoSuite } from '../../crypto/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { ExecContext } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { applyAction, assertValidAction, type GovAction } from './actions.js';
import { type Proposal, tally } from './proposals.js';
import { type Committee, isFrozen, readCommittee } from './state.js';

/** What a vote (or the proposer's own vote) decides, worked out by `check` over read-only state. */
export type Outcome =
  | { readonly status: 'open' }
  | { readonly status: 'rejected' }
  /** Passed, but the action is no longer valid in the current state: recorded, not applied. */
  | { readonly status: 'failed'; readonly code: string }
  | { readonly status: 'passed' };

/** The committee member `account`'s committee, or GOV_NOT_COMMITTEE. */
export function committeeOf(state: StateReader, account: string): Committee {
  const c = readCommittee(state);
  if (!c.members.some((m) => m.account === account)) {
    throw new GongzhiError('GOV_NOT_COMMITTEE', 'only committee members may do this', { account });
  }
  return c;
}

/**
 * Tally `votes` and, when they pass, check the action against the current state. Frozen members
 * neither vote nor count towards the total, so a freeze cannot deadlock the committee. A passed
 * action that is no longer valid is a `failed` outcome carrying the error code (the proposal is
 * closed as failed, not the transaction); damaged state (CHAIN_INVALID) is not an outcome and
 * fails the transaction.
 */
export function decide(
  state: StateReader,
  suite: CryptoSuite,
  committee: Committee,
  votes: Readonly<Record<string, boolean>>,
  action: GovAction,
): Outcome {
  const active = {
    members: committee.members.filter((m) => !isFrozen(state, m.account)),
    threshold: committee.threshold,
  };
  const result = tally(active, votes);
  if (result !== 'passed') return { status: result };
  try {
    assertValidAction(state, suite, action);
  } catch (e) {
    if (e instanceof GongzhiError && e.code === 'CHAIN_INVALID') throw e;
    return { status: 'failed', code: e instanceof GongzhiError ? e.code : 'EXEC_INTERNAL' };
  }
  return { status: 'passed' };
}

/** Close `p` as `outcome` says: emit the event, apply a passed action, return the record to store. */
export function settle(ctx: ExecContext, p: Proposal, outcome: Outcome): Proposal {
  switch (outcome.status) {
    case 'open':
      return p;
    case 'rejected':
      ctx.emit('rejected', { id: p.id });
      return { ...p, status: 'rejected', closedAt: ctx.height };
    case 'failed':
      ctx.emit('failed', { id: p.id, code: outcome.code });
      return { ...p, status: 'failed', failure: outcome.code, closedAt: ctx.height };
    case 'passed':
      applyAction(ctx.state, ctx.suite, p.action);
      ctx.emit('executed', { id: p.id, type: p.action.type });
      return { ...p, status: 'passed', closedAt: ctx.height };
  }
}
