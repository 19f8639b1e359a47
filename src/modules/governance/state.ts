import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import {
  type Codec,
  defineCodec,
  defineValueCodec,
  flagCodec,
  readStored,
  stateKey,
  writeStored,
} from '../../execution/index.js';
import {
  type ChainParams,
  type CommitteeMember,
  DEFAULT_PARAMS,
  ID_PATTERN,
  type NodeIdentity,
  type OrgInfo,
  PARAM_NAMES,
  type ShapeReader,
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

/**
 * Bounds of stored strings. They are what the write paths can produce (`addOrg` arguments,
 * `org:<id>` roles of 68 chars, `module.method` names), with room; genesis records outside them
 * are refused at block 0 (see genesis.ts), so a chain never stores a record it cannot read back.
 */
export const LIMITS = {
  account: 128,
  role: 128,
  method: 256,
  orgName: 256,
  publicKeyHex: 256,
  orgAdmins: 64,
  orgNodes: 64,
} as const;

/** Public keys are kept as the hex given (lower-case, optional 0x, as `fromHex` reads it). */
const HEX_KEY = /^(0x)?(?:[0-9a-f]{2})+$/;

export interface Committee {
  readonly members: readonly CommitteeMember[];
  readonly threshold: number;
}

/** A stored list of strings of 1..maxLen chars, each matching `re` when given (CHAIN_INVALID otherwise). */
function stringList(what: string, maxLen: number, re?: RegExp): Codec<string[]> {
  const expected = `a list of strings of 1..${maxLen} chars`;
  return defineValueCodec<string[]>(
    what,
    (l) => [...l],
    (v, fail) => {
      if (!Array.isArray(v)) return fail(expected);
      return v.map((x: CborValue) =>
        typeof x === 'string' && x.length > 0 && x.length <= maxLen && (re === undefined || re.test(x))
          ? x
          : fail(expected),
      );
    },
  );
}

/** The chain parameters: every name of PARAM_NAMES, each a positive integer, nothing else. */
export const paramsCodec: Codec<ChainParams> = defineCodec<ChainParams>(
  'chain parameters',
  PARAM_NAMES,
  (p) => Object.fromEntries(PARAM_NAMES.map((n) => [n, p[n]])),
  (r) => {
    const positive = (n: (typeof PARAM_NAMES)[number]): number => {
      const v = r.uint(n);
      return v > 0 ? v : r.fail(n, 'a positive integer');
    };
    return {
      blockIntervalMs: positive('blockIntervalMs'),
      maxBlockTxs: positive('maxBlockTxs'),
      maxTxBytes: positive('maxTxBytes'),
      maxValidityWindow: positive('maxValidityWindow'),
      proposalLifetime: positive('proposalLifetime'),
    };
  },
);

/** The committee: members (account, positive weight) and the threshold in percent (1..100). */
export const committeeCodec: Codec<Committee> = defineCodec<Committee>(
  'committee',
  ['members', 'threshold'],
  (c) => ({
    members: c.members.map((m) => ({ account: m.account, weight: m.weight })),
    threshold: c.threshold,
  }),
  (r) => {
    const members = r.list('members', 100_000, (v, at) => {
      const m = r.sub(v, at, ['account', 'weight']);
      return { account: m.str('account', LIMITS.account), weight: m.int('weight', 1) };
    });
    return { members, threshold: r.int('threshold', 1, 100) };
  },
);

function readNode(r: ShapeReader, v: CborValue, at: string): NodeIdentity {
  const n = r.sub(v, at, ['id', 'publicKey']);
  return { id: n.id('id'), publicKey: n.match('publicKey', HEX_KEY, 'hex', LIMITS.publicKeyHex) };
}

/** An organisation: id, name, admin public keys (hex), node identities. */
export const orgCodec: Codec<OrgInfo> = defineCodec<OrgInfo>(
  'organisation',
  ['id', 'name', 'admins', 'nodes'],
  (o) => ({
    id: o.id,
    name: o.name,
    admins: [...o.admins],
    nodes: o.nodes.map((n) => ({ id: n.id, publicKey: n.publicKey })),
  }),
  (r) => ({
    id: r.id('id'),
    name: r.str('name', LIMITS.orgName),
    admins: r
      .strs('admins', LIMITS.orgAdmins, LIMITS.publicKeyHex)
      .map((k) => (HEX_KEY.test(k) ? k : r.fail('admins', 'a list of hex public keys'))),
    nodes: r.list('nodes', LIMITS.orgNodes, (v, at) => readNode(r, v, at)),
  }),
);

/** The ids of the current organisations. */
export const orgIndexCodec: Codec<string[]> = stringList('organisation index', 64, ID_PATTERN);
/** The roles of one account. */
export const rolesCodec: Codec<string[]> = stringList('role list', LIMITS.role);
/** The roles allowed to call one `module.method`. */
export const permissionCodec: Codec<string[]> = stringList('permission row', LIMITS.role);
/** The `module.method` names that have a permission row. */
export const permissionIndexCodec: Codec<string[]> = stringList('permission index', LIMITS.method);

/**
 * Parameters in force. Absent only where no governance genesis ran (a registry without this
 * module, e.g. a test chain): then the defaults. A stored record that does not decode is
 * CHAIN_INVALID, never the defaults.
 */
export function readParams(state: StateReader): ChainParams {
  return readStored(state, keys.params(), paramsCodec) ?? DEFAULT_PARAMS;
}

export function writeParams(state: StateOverlay, p: ChainParams): void {
  writeStored(state, keys.params(), paramsCodec, p);
}

/** Current committee (CHAIN_INVALID when missing: genesis always writes it). */
export function readCommittee(state: StateReader): Committee {
  const c = readStored(state, keys.committee(), committeeCodec);
  if (c === undefined) {
    throw new GongzhiError('CHAIN_INVALID', 'committee missing from state', { key: keys.committee() });
  }
  return c;
}

export function writeCommittee(state: StateOverlay, c: Committee): void {
  writeStored(state, keys.committee(), committeeCodec, c);
}

/** Roles of an account (none when absent). */
export function readRoles(state: StateReader, account: string): string[] {
  return readStored(state, keys.roles(account), rolesCodec) ?? [];
}

/** Store an account's roles, de-duplicated and sorted; no roles deletes the record. */
export function writeRoles(state: StateOverlay, account: string, roles: readonly string[]): void {
  if (roles.length === 0) state.delete(keys.roles(account));
  else writeStored(state, keys.roles(account), rolesCodec, [...new Set(roles)].sort());
}

/** Roles allowed to call "module.method" (empty: nobody). */
export function readPermission(state: StateReader, method: string): string[] {
  return readStored(state, keys.permission(method), permissionCodec) ?? [];
}

function readPermissionIndex(state: StateReader): string[] {
  return readStored(state, keys.permissionIndex(), permissionIndexCodec) ?? [];
}

/** Set the row of `method` (no roles deletes it) and keep the index of rows. */
export function writePermission(state: StateOverlay, method: string, roles: readonly string[]): void {
  const index = new Set(readPermissionIndex(state));
  if (roles.length === 0) {
    state.delete(keys.permission(method));
    index.delete(method);
  } else {
    writeStored(state, keys.permission(method), permissionCodec, [...new Set(roles)].sort());
    index.add(method);
  }
  writeStored(state, keys.permissionIndex(), permissionIndexCodec, [...index].sort());
}

/** Every permission row, in index order. */
export function listPermissions(state: StateReader): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of readPermissionIndex(state)) out[m] = readPermission(state, m);
  return out;
}

/** Whether the committee froze `account` (the record is the flag `true`; anything else is damage). */
export function isFrozen(state: StateReader, account: string): boolean {
  return readStored(state, keys.frozen(account), flagCodec) !== undefined;
}

export function writeFrozen(state: StateOverlay, account: string, frozen: boolean): void {
  if (frozen) writeStored(state, keys.frozen(account), flagCodec, true);
  else state.delete(keys.frozen(account));
}

/** The stored CBOR value of an organisation (also its form inside an `addOrg` action). */
export function orgValue(o: OrgInfo): CborValue {
  return orgCodec.encode(o);
}

/** An organisation, or undefined when there is none with this id. */
export function readOrg(state: StateReader, id: string): OrgInfo | undefined {
  return readStored(state, keys.org(id), orgCodec);
}

export function writeOrg(state: StateOverlay, o: OrgInfo): void {
  writeStored(state, keys.org(o.id), orgCodec, o);
}

export function deleteOrg(state: StateOverlay, id: string): void {
  state.delete(keys.org(id));
}

/** An organisation named by the index: CHAIN_INVALID when its record is missing. */
function indexedOrg(state: StateReader, id: string): OrgInfo {
  const o = readOrg(state, id);
  if (o === undefined) {
    throw new GongzhiError('CHAIN_INVALID', `organisation index names ${id}, which is not stored`, {
      key: keys.org(id),
    });
  }
  return o;
}

export function listOrgIds(state: StateReader): string[] {
  return readStored(state, keys.orgIndex(), orgIndexCodec) ?? [];
}

/** Every current organisation, in index order. */
export function listOrgs(state: StateReader): OrgInfo[] {
  return listOrgIds(state).map((id) => indexedOrg(state, id));
}

export function writeOrgIndex(state: StateOverlay, ids: readonly string[]): void {
  writeStored(state, keys.orgIndex(), orgIndexCodec, [...new Set(ids)].sort());
}

/** All node identities of all current organisations (the keys that sign block headers). */
export function listNodes(state: StateReader): (NodeIdentity & { org: string })[] {
  return listOrgs(state).flatMap((o) =>
    o.nodes.map((n) => ({ id: n.id, publicKey: n.publicKey, org: o.id })),
  );
}
