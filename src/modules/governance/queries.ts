import { defineQuery, type QueryArgs, S } from '../../execution/index.js';
import { PARAM_NAMES } from '../../ledger/index.js';
import { ACTION_SCHEMA } from './actions.js';
import { nextProposalId, proposalJson, readProposal } from './proposals.js';
import {
  isFrozen,
  LIMITS,
  listNodes,
  listOrgs,
  listPermissions,
  readCommittee,
  readParams,
  readRoles,
} from './state.js';

/** Most proposals the `proposals` query lists (newest first). */
export const MAX_LISTED_PROPOSALS = 100;

/** The account parameter: an address (no `/`, it is part of a state key). */
function accountParam(q: QueryArgs): string {
  return q.str('account', LIMITS.account, /^[^/]+$/, 'an account address');
}

const accountArgs = S.Object({
  account: S.String({ maxLength: LIMITS.account, description: 'account address' }),
});

const orgSchema = S.Object({
  id: S.String(),
  name: S.String(),
  admins: S.Array(S.String({ description: 'admin public key (hex)' })),
  nodes: S.Array(S.Object({ id: S.String(), publicKey: S.String() })),
});

const proposalSchema = S.Object(
  {
    id: S.Integer(),
    proposer: S.String(),
    action: ACTION_SCHEMA,
    createdAt: S.Integer({ description: 'height of the proposal' }),
    expiresAt: S.Integer({ description: 'last height at which it can be voted on' }),
    votes: S.Record(S.String(), S.Boolean(), { description: 'account → approve' }),
    status: S.Union([S.Literal('open'), S.Literal('passed'), S.Literal('rejected'), S.Literal('failed')]),
    failure: S.Optional(S.String({ description: 'error code of a passed action that could not apply' })),
    closedAt: S.Optional(S.Integer({ description: 'height at which it closed' })),
  },
  { description: 'a committee proposal' },
);

const none = S.Object({});

export const params = defineQuery({
  summary: 'The chain parameters in force',
  args: none,
  result: S.Object(Object.fromEntries(PARAM_NAMES.map((n) => [n, S.Integer({ minimum: 1 })]))),
  run: ({ state }) => readParams(state),
});

export const committee = defineQuery({
  summary: 'The committee: members with their weights, and the threshold (percent)',
  args: none,
  result: S.Object({
    members: S.Array(S.Object({ account: S.String(), weight: S.Integer() })),
    threshold: S.Integer({ minimum: 1, maximum: 100 }),
  }),
  run: ({ state }) => readCommittee(state),
});

export const orgs = defineQuery({
  summary: 'The organisations of the consortium',
  args: none,
  result: S.Array(orgSchema),
  run: ({ state }) => listOrgs(state),
});

export const nodes = defineQuery({
  summary: 'The node identities of all organisations (the keys that sign block headers)',
  args: none,
  result: S.Array(S.Object({ id: S.String(), publicKey: S.String(), org: S.String() })),
  run: ({ state }) => listNodes(state),
});

export const roles = defineQuery({
  summary: 'The roles of an account',
  args: accountArgs,
  result: S.Object({ account: S.String(), roles: S.Array(S.String()) }),
  run: ({ state }, q) => {
    const account = accountParam(q);
    return { account, roles: readRoles(state, account) };
  },
});

export const frozen = defineQuery({
  summary: 'Whether the committee froze an account',
  args: accountArgs,
  result: S.Object({ account: S.String(), frozen: S.Boolean() }),
  run: ({ state }, q) => {
    const account = accountParam(q);
    return { account, frozen: isFrozen(state, account) };
  },
});

export const permissions = defineQuery({
  summary: 'The permission table: module.method → roles allowed to call it (* = any account)',
  args: none,
  result: S.Record(S.String(), S.Array(S.String())),
  run: ({ state }) => listPermissions(state),
});

export const proposal = defineQuery({
  summary: 'One proposal by id',
  args: S.Object({ id: S.UintParam('proposal id (1, 2, …)') }),
  result: proposalSchema,
  run: ({ state }, q) =>
    proposalJson(readProposal(state, q.uint('id', undefined, Number.MAX_SAFE_INTEGER, 1))),
});

export const proposals = defineQuery({
  summary: `The latest proposals, newest first (at most ${MAX_LISTED_PROPOSALS})`,
  args: none,
  result: S.Array(proposalSchema),
  run: ({ state }) => {
    const out: unknown[] = [];
    for (let id = nextProposalId(state) - 1; id >= 1 && out.length < MAX_LISTED_PROPOSALS; id--) {
      out.push(proposalJson(readProposal(state, id)));
    }
    return out;
  },
});
