import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { stateKey } from '../../execution/index.js';
import {
  type ChainParams,
  type CommitteeMember,
  DEFAULT_PARAMS,
  isMap,
  type NodeIdentity,
  type OrgInfo,
  PARAM_NAMES,
} from '../../ledger/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';

export const MODULE = 'governance';

/** State keys of the governance module. */
export const keys = {
  params: () => stateKey(MODULE, 'params'),
  committee: () => stateKey(MODULE, 'committee'),
  org: (id: string) => stateKey(MODULE, 'org', id),
  orgIndex: () => stateKey(MODULE, 'orgs'),
  roles: (account: string) => stateKey(MODULE, 'roles', account),
  permission: (method: string) => stateKey(MODULE, 'perm', method),
  permissionIndex: () => stateKey(MODULE, 'perms'),
  frozen: (account: string) => stateKey(MODULE, 'frozen', account),
  proposal: (id: number) => stateKey(MODULE, 'proposal', String(id)),
  nextProposal: () => stateKey(MODULE, 'nextProposal'),
};

export interface Committee {
  readonly members: readonly CommitteeMember[];
  readonly threshold: number;
}

function asStringList(v: CborValue | undefined): string[] {
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'string') as string[]) : [];
}

/** Parameters in force. */
export function readParams(state: StateReader): ChainParams {
  const v = state.get(keys.params());
  if (!isMap(v)) return DEFAULT_PARAMS;
  const out: Record<string, number> = {};
  for (const n of PARAM_NAMES) {
    const x = v[n];
    out[n] = typeof x === 'number' ? x : DEFAULT_PARAMS[n];
  }
  return out as unknown as ChainParams;
}

/** Current committee. */
export function readCommittee(state: StateReader): Committee {
  const v = state.get(keys.committee());
  if (!isMap(v) || !Array.isArray(v.members)) {
    throw new GongzhiError('STORAGE_FAILURE', 'committee missing from state');
  }
  const members = (v.members as CborValue[]).map((m) => {
    const mm = m as { account: string; weight: number };
    return { account: mm.account, weight: mm.weight };
  });
  return { members, threshold: v.threshold as number };
}

export function writeCommittee(state: StateOverlay, c: Committee): void {
  state.set(keys.committee(), {
    members: c.members.map((m) => ({ account: m.account, weight: m.weight })),
    threshold: c.threshold,
  });
}

/** Roles of an account. */
export function readRoles(state: StateReader, account: string): string[] {
  return asStringList(state.get(keys.roles(account)));
}

export function writeRoles(state: StateOverlay, account: string, roles: readonly string[]): void {
  if (roles.length === 0) state.delete(keys.roles(account));
  else state.set(keys.roles(account), [...new Set(roles)].sort());
}

/** Roles allowed to call "module.method" (empty: nobody). */
export function readPermission(state: StateReader, method: string): string[] {
  return asStringList(state.get(keys.permission(method)));
}

export function writePermission(state: StateOverlay, method: string, roles: readonly string[]): void {
  const index = new Set(asStringList(state.get(keys.permissionIndex())));
  if (roles.length === 0) {
    state.delete(keys.permission(method));
    index.delete(method);
  } else {
    state.set(keys.permission(method), [...new Set(roles)].sort());
    index.add(method);
  }
  state.set(keys.permissionIndex(), [...index].sort());
}

export function listPermissions(state: StateReader): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of asStringList(state.get(keys.permissionIndex()))) out[m] = readPermission(state, m);
  return out;
}

export function isFrozen(state: StateReader, account: string): boolean {
  return state.getRaw(keys.frozen(account)) !== undefined;
}

export function orgValue(o: OrgInfo): CborValue {
  return {
    id: o.id,
    name: o.name,
    admins: [...o.admins],
    nodes: o.nodes.map((n) => ({ id: n.id, publicKey: n.publicKey })),
  };
}

export function readOrg(state: StateReader, id: string): OrgInfo | undefined {
  const v = state.get(keys.org(id));
  if (!isMap(v)) return undefined;
  return {
    id: v.id as string,
    name: v.name as string,
    admins: asStringList(v.admins),
    nodes: (v.nodes as CborValue[]).map((n) => n as unknown as NodeIdentity),
  };
}

export function listOrgIds(state: StateReader): string[] {
  return asStringList(state.get(keys.orgIndex()));
}

export function writeOrgIndex(state: StateOverlay, ids: readonly string[]): void {
  state.set(keys.orgIndex(), [...new Set(ids)].sort());
}

/** All node identities of all current organisations (the keys that sign block headers). */
export function listNodes(state: StateReader): (NodeIdentity & { org: string })[] {
  const out: (NodeIdentity & { org: string })[] = [];
  for (const id of listOrgIds(state)) {
    const o = readOrg(state, id);
    if (o) for (const n of o.nodes) out.push({ id: n.id, publicKey: n.publicKey, org: o.id });
  }
  return out;
}
