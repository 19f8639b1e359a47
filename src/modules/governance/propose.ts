import { defineMethod, readArgs, S } from '../../execution/index.js';
import { ACTION_SCHEMA, assertValidAction, type GovAction, parseAction } from './actions.js';
import { nextProposalId, type Proposal, writeNextProposalId, writeProposal } from './proposals.js';
import { committeeOf, decide, type Outcome, settle } from './settle.js';

/** Arguments of `governance.propose`. */
export interface ProposeArgs {
  readonly action: GovAction;
}

/** What `check` found: the new proposal's id and what the proposer's own vote decides. */
export interface ProposePrepared {
  readonly id: number;
  readonly votes: Readonly<Record<string, boolean>>;
  readonly outcome: Outcome;
}

/**
 * `propose`: a committee member proposes an action, voting for it. The action must be valid now;
 * when the proposer's weight alone reaches the threshold it is applied in the same transaction.
 */
export const propose = defineMethod<ProposeArgs, ProposePrepared>({
  summary: 'Propose a governance action (the proposer votes for it); applied once enough weight approves',
  args: S.Object({ action: ACTION_SCHEMA }, { additionalProperties: false }),
  parse: (args) => ({ action: parseAction(readArgs(args, ['action']).raw('action')) }),
  check: ({ state, suite, sender }, a) => {
    const committee = committeeOf(state, sender);
    assertValidAction(state, suite, a.action);
    const votes = { [sender]: true };
    return { id: nextProposalId(state), votes, outcome: decide(state, suite, committee, votes, a.action) };
  },
  apply: (ctx, a, { id, votes, outcome }) => {
    writeNextProposalId(ctx.state, id + 1);
    const p: Proposal = {
      id,
      proposer: ctx.sender,
      action: a.action,
      createdAt: ctx.height,
      expiresAt: ctx.height + ctx.params.proposalLifetime,
      votes,
      status: 'open',
    };
    ctx.emit('proposed', { id, proposer: ctx.sender, type: a.action.type });
    writeProposal(ctx.state, settle(ctx, p, outcome));
  },
});
