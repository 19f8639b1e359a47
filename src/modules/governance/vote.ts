import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, S } from '../../execution/index.js';
import { type Proposal, readProposal, writeProposal } from './proposals.js';
import { committeeOf, decide, type Outcome, settle } from './settle.js';

/** Arguments of `governance.vote`. */
export interface VoteArgs {
  readonly id: number;
  readonly approve: boolean;
}

/** What `check` found: the proposal with this vote added, and what the tally now decides. */
export interface VotePrepared {
  readonly voted: Proposal;
  readonly outcome: Outcome;
}

/**
 * `vote`: a committee member votes once on an open, unexpired proposal. When the tally decides,
 * the proposal closes in the same transaction (and a passed action is applied).
 */
export const vote = defineMethod<VoteArgs, VotePrepared>({
  summary: 'Vote on an open proposal; the vote that decides it closes it (and applies a passed action)',
  args: S.Object(
    { id: S.Integer({ minimum: 1, description: 'proposal id' }), approve: S.Boolean() },
    { additionalProperties: false },
  ),
  parse: (args) => {
    const r = readArgs(args, ['id', 'approve']);
    return { id: r.uint('id'), approve: r.bool('approve') };
  },
  check: ({ state, suite, sender, height }, a) => {
    const committee = committeeOf(state, sender);
    const p = readProposal(state, a.id);
    if (p.status !== 'open' || height > p.expiresAt) {
      throw new GongzhiError('GOV_PROPOSAL_CLOSED', `proposal ${a.id} is closed`, {
        id: a.id,
        status: p.status,
      });
    }
    if (Object.hasOwn(p.votes, sender)) {
      throw new GongzhiError('GOV_ALREADY_VOTED', 'already voted on this proposal', { id: a.id });
    }
    const voted: Proposal = { ...p, votes: { ...p.votes, [sender]: a.approve } };
    return { voted, outcome: decide(state, suite, committee, voted.votes, p.action) };
  },
  apply: (ctx, a, { voted, outcome }) => {
    ctx.emit('voted', { id: a.id, voter: ctx.sender, approve: a.approve });
    writeProposal(ctx.state, settle(ctx, voted, outcome));
  },
});
