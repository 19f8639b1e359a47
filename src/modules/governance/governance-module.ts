import type { CryptoSuite } from '../../crypto/index.js';
import { fromHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { Authorizer, ExecContext, LedgerModule } from '../../execution/index.js';
import { legacyMethod, legacyModule } from '../../execution/index.js';
import { type CborMap, type Genesis, ShapeReader } from '../../ledger/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import { actionValue, applyAction, assertValidAction, type GovAction, parseAction } from './actions.js';
import { GOVERNANCE_ERRORS } from './errors.js';
import { type Proposal, proposalValue, readProposal, tally } from './proposals.js';
import {
  isFrozen,
  keys,
  listNodes,
  listOrgIds,
  listPermissions,
  MODULE,
  readCommittee,
  readOrg,
  readParams,
  readPermission,
  readRoles,
  writeCommittee,
  writeOrgIndex,
  writePermission,
  writeRoles,
} from './state.js';

function assertCommittee(state: StateReader, account: string): void {
  if (!readCommittee(state).members.some((m) => m.account === account)) {
    throw new GongzhiError('GOV_NOT_COMMITTEE', 'only committee members may do this', { account });
  }
}

/** Close a proposal whose tally reached a decision, applying its action when it passed. */
function settle(ctx: ExecContext, p: Proposal): Proposal {
  // Frozen members neither vote nor count towards the total, so a freeze cannot deadlock the committee.
  const c = readCommittee(ctx.state);
  const active = {
    members: c.members.filter((m) => !isFrozen(ctx.state, m.account)),
    threshold: c.threshold,
  };
  const outcome = tally(active, p.votes);
  if (outcome === 'open') return p;
  if (outcome === 'rejected') {
    ctx.emit('rejected', { id: p.id });
    return { ...p, status: 'rejected', closedAt: ctx.height };
  }
  const action = parseAction(p.action);
  try {
    assertValidAction(ctx.state, ctx.suite, action);
  } catch (e) {
    const code = e instanceof GongzhiError ? e.code : 'EXEC_INTERNAL';
    ctx.emit('failed', { id: p.id, code });
    return { ...p, status: 'failed', failure: code, closedAt: ctx.height };
  }
  applyAction(ctx.state, ctx.suite, action);
  ctx.emit('executed', { id: p.id, type: action.type });
  return { ...p, status: 'passed', closedAt: ctx.height };
}

interface ProposeArgs {
  action: GovAction;
}

interface VoteArgs {
  id: number;
  approve: boolean;
}

const propose = legacyMethod<ProposeArgs>({
  parse: (args) => ({
    action: parseAction(ShapeReader.of(args, ['action'], 'EXEC_BAD_ARGS', 'args').raw('action')),
  }),
  check: (ctx, a) => {
    assertCommittee(ctx.state, ctx.sender);
    assertValidAction(ctx.state, ctx.suite, a.action);
  },
  apply: (ctx, a) => {
    const next = ctx.state.get(keys.nextProposal());
    const id = typeof next === 'number' ? next : 1;
    ctx.state.set(keys.nextProposal(), id + 1);
    const p: Proposal = {
      id,
      proposer: ctx.sender,
      action: actionValue(a.action),
      createdAt: ctx.height,
      expiresAt: ctx.height + ctx.params.proposalLifetime,
      votes: { [ctx.sender]: true },
      status: 'open',
    };
    ctx.emit('proposed', { id, proposer: ctx.sender, type: a.action.type });
    ctx.state.set(keys.proposal(id), proposalValue(settle(ctx, p)));
  },
});

const vote = legacyMethod<VoteArgs>({
  parse: (args) => {
    const r = ShapeReader.of(args, ['id', 'approve'], 'EXEC_BAD_ARGS', 'args');
    return { id: r.uint('id'), approve: r.bool('approve') };
  },
  check: (ctx, a) => {
    assertCommittee(ctx.state, ctx.sender);
    const p = readProposal(ctx.state, a.id);
    if (p.status !== 'open' || ctx.height > p.expiresAt) {
      throw new GongzhiError('GOV_PROPOSAL_CLOSED', `proposal ${a.id} is closed`, {
        id: a.id,
        status: p.status,
      });
    }
    if (Object.hasOwn(p.votes, ctx.sender)) {
      throw new GongzhiError('GOV_ALREADY_VOTED', 'already voted on this proposal', { id: a.id });
    }
  },
  apply: (ctx, a) => {
    const p = readProposal(ctx.state, a.id);
    const voted: Proposal = { ...p, votes: { ...p.votes, [ctx.sender]: a.approve } };
    ctx.emit('voted', { id: a.id, voter: ctx.sender, approve: a.approve });
    ctx.state.set(keys.proposal(a.id), proposalValue(settle(ctx, voted)));
  },
});

function initGenesis(g: Genesis, state: StateOverlay, suite: CryptoSuite): void {
  state.set(keys.params(), { ...g.params });
  writeCommittee(state, { members: g.committee.members, threshold: g.committee.threshold });
  for (const o of g.orgs) applyAction(state, suite, { type: 'addOrg', org: o });
  writeOrgIndex(
    state,
    g.orgs.map((o) => o.id),
  );
  for (const m of g.committee.members)
    writeRoles(state, m.account, [...readRoles(state, m.account), 'committee']);
  for (const [account, roles] of Object.entries(g.roles)) {
    writeRoles(state, account, [...readRoles(state, account), ...roles]);
  }
  const perms: Record<string, readonly string[]> = {
    'governance.propose': ['committee'],
    'governance.vote': ['committee'],
    ...g.permissions,
  };
  for (const [method, roles] of Object.entries(perms)) writePermission(state, method, roles);
}

function str(args: Readonly<Record<string, unknown>>, name: string): string {
  const v = args[name];
  if (typeof v !== 'string' || v.length === 0) {
    throw new GongzhiError('API_BAD_REQUEST', `query parameter ${name} is required`, { name });
  }
  return v;
}

function proposalJson(p: Proposal): unknown {
  return JSON.parse(JSON.stringify(p));
}

/** The governance module: committee proposals and weighted votes over members, roles, permissions, params, freezes. */
export const governanceModule: LedgerModule = legacyModule({
  name: MODULE,
  errors: GOVERNANCE_ERRORS,
  permissions: { propose: ['committee'], vote: ['committee'] },
  methods: { propose, vote },
  queries: {
    params: ({ state }) => readParams(state),
    committee: ({ state }) => readCommittee(state),
    orgs: ({ state }) => listOrgIds(state).map((id) => readOrg(state, id)),
    nodes: ({ state }) => listNodes(state),
    roles: ({ state }, args) => ({
      account: str(args, 'account'),
      roles: readRoles(state, str(args, 'account')),
    }),
    frozen: ({ state }, args) => ({
      account: str(args, 'account'),
      frozen: isFrozen(state, str(args, 'account')),
    }),
    permissions: ({ state }) => listPermissions(state),
    proposal: ({ state }, args) => {
      const id = Number(str(args, 'id'));
      if (!Number.isSafeInteger(id) || id < 1)
        throw new GongzhiError('API_BAD_REQUEST', 'id must be a positive integer');
      return proposalJson(readProposal(state, id));
    },
    proposals: ({ state }) => {
      const next = state.get(keys.nextProposal());
      const out: unknown[] = [];
      for (let id = typeof next === 'number' ? next - 1 : 0; id >= 1 && out.length < 100; id--) {
        out.push(proposalJson(readProposal(state, id)));
      }
      return out;
    },
  },
  initGenesis,
});

/** Permission table + freeze list enforcement, run before every call. */
export const governanceAuthorizer: Authorizer = {
  authorize(state, sender, module, method) {
    if (isFrozen(state, sender)) {
      throw new GongzhiError('EXEC_ACCOUNT_FROZEN', 'account is frozen by the committee', {
        account: sender,
      });
    }
    const allowed = readPermission(state, `${module}.${method}`);
    if (allowed.includes('*')) return;
    const roles = readRoles(state, sender);
    if (!allowed.some((r) => roles.includes(r))) {
      throw new GongzhiError('EXEC_PERMISSION_DENIED', `not allowed to call ${module}.${method}`, {
        account: sender,
        method: `${module}.${method}`,
      });
    }
  },
};

/** Decode the admins of an org to addresses (used by tooling). */
export function orgAdminAddresses(suite: CryptoSuite, state: StateReader, orgId: string): string[] {
  return (readOrg(state, orgId)?.admins ?? []).map((k) => suite.address(fromHex(k)));
}

export type { CborMap };
