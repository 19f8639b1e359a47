import type { CryptoSuite } from '../../crypto/index.js';
import { type CborValue, fromHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { S } from '../../execution/index.js';
import {
  type CborMap,
  type ChainParams,
  type OrgInfo,
  PARAM_NAMES,
  ShapeReader,
} from '../../ledger/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import {
  deleteOrg,
  listOrgIds,
  listOrgs,
  orgValue,
  readCommittee,
  readOrg,
  readParams,
  readRoles,
  writeCommittee,
  writeFrozen,
  writeOrg,
  writeOrgIndex,
  writeParams,
  writePermission,
  writeRoles,
} from './state.js';

/** A change the committee can vote through. */
export type GovAction =
  | { type: 'addOrg'; org: OrgInfo }
  | { type: 'removeOrg'; id: string }
  | { type: 'setMember'; account: string; weight: number }
  | { type: 'setThreshold'; threshold: number }
  | { type: 'grantRole'; account: string; role: string }
  | { type: 'revokeRole'; account: string; role: string }
  | { type: 'setPermission'; method: string; roles: string[] }
  | { type: 'setParam'; name: string; value: number }
  | { type: 'freeze'; account: string }
  | { type: 'unfreeze'; account: string };

const ROLE_RE = /^(\*|[a-z][a-z0-9:-]{0,63})$/;
const METHOD_RE = /^[a-z][a-zA-Z0-9]{0,31}\.[a-z][a-zA-Z0-9]{0,31}$/;
const ID_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
const ADDR_RE = /^gz[0-9a-f]{40}$/;

function bad(message: string): never {
  throw new GongzhiError('GOV_INVALID_CHANGE', message);
}

function account(r: ShapeReader): string {
  const a = r.str('account', 42);
  if (!ADDR_RE.test(a)) bad('account must be an address gz<40 hex>');
  return a;
}

function role(r: ShapeReader): string {
  const x = r.str('role', 64);
  if (!ROLE_RE.test(x)) bad('role must match [a-z][a-z0-9:-]*');
  return x;
}

/** Parse an action map strictly (shape only). Throws EXEC_BAD_ARGS. */
export function parseAction(v: CborValue | undefined): GovAction {
  const code = 'EXEC_BAD_ARGS';
  const head = ShapeReader.of(
    v,
    ['type', 'org', 'id', 'account', 'weight', 'threshold', 'role', 'method', 'roles', 'name', 'value'],
    code,
    'action',
  );
  const type = head.str('type', 32);
  const only = (fields: string[]) => ShapeReader.of(v, ['type', ...fields], code, `action(${type})`);
  switch (type) {
    case 'addOrg': {
      const o = ShapeReader.of(only(['org']).raw('org'), ['id', 'name', 'admins', 'nodes'], code, 'org');
      const admins = o.array('admins', 64).map((k) => {
        if (typeof k !== 'string') bad('admins are hex public keys');
        return k;
      });
      const nodes = o.array('nodes', 64).map((n) => {
        const nr = ShapeReader.of(n, ['id', 'publicKey'], code, 'node');
        return { id: nr.str('id', 64), publicKey: nr.str('publicKey', 256) };
      });
      return { type, org: { id: o.str('id', 64), name: o.str('name', 256), admins, nodes } };
    }
    case 'removeOrg':
      return { type, id: only(['id']).str('id', 64) };
    case 'setMember': {
      const r = only(['account', 'weight']);
      return { type, account: account(r), weight: r.uint('weight', 1_000_000) };
    }
    case 'setThreshold':
      return { type, threshold: only(['threshold']).uint('threshold', 100) };
    case 'grantRole':
    case 'revokeRole': {
      const r = only(['account', 'role']);
      return { type, account: account(r), role: role(r) };
    }
    case 'setPermission': {
      const r = only(['method', 'roles']);
      const roles = r.array('roles', 64).map((x) => {
        if (typeof x !== 'string' || !ROLE_RE.test(x)) bad('roles must be role names');
        return x;
      });
      return { type, method: r.str('method', 65), roles };
    }
    case 'setParam': {
      const r = only(['name', 'value']);
      return { type, name: r.str('name', 64), value: r.uint('value') };
    }
    case 'freeze':
    case 'unfreeze':
      return { type, account: account(only(['account'])) };
    default:
      throw new GongzhiError('EXEC_BAD_ARGS', `unknown action type ${type}`, { type });
  }
}

/** CBOR form of an action (for storage in the proposal): exactly the fields `parseAction` reads. */
export function actionValue(a: GovAction): CborMap {
  switch (a.type) {
    case 'addOrg':
      return { type: a.type, org: orgValue(a.org) };
    case 'setPermission':
      return { type: a.type, method: a.method, roles: [...a.roles] };
    default:
      return { ...a };
  }
}

const ACCOUNT_SCHEMA = S.String({ pattern: ADDR_RE.source, description: 'account address gz<40 hex>' });
const ROLE_SCHEMA = S.String({ pattern: ROLE_RE.source, description: 'role name, or * for anyone' });
const action = <T extends string>(type: T, fields: Parameters<typeof S.Object>[0], description: string) =>
  S.Object({ type: S.Literal(type), ...fields }, { additionalProperties: false, description });

/** JSON Schema of an action (the `action` argument of `governance.propose`). */
export const ACTION_SCHEMA = S.Union([
  action(
    'addOrg',
    {
      org: S.Object(
        {
          id: S.Id('organisation id'),
          name: S.String({ minLength: 1, maxLength: 256 }),
          admins: S.Array(S.Hex(undefined, 'admin public key'), { maxItems: 64 }),
          nodes: S.Array(
            S.Object(
              { id: S.Id('node id'), publicKey: S.Hex(undefined, 'node public key') },
              { additionalProperties: false },
            ),
            { maxItems: 64 },
          ),
        },
        { additionalProperties: false },
      ),
    },
    'add an organisation; its admins get the roles org and org:<id>',
  ),
  action('removeOrg', { id: S.Id('organisation id') }, 'remove an organisation (not the last)'),
  action(
    'setMember',
    { account: ACCOUNT_SCHEMA, weight: S.Integer({ minimum: 0, maximum: 1_000_000 }) },
    'add a committee member, change its weight, or remove it with weight 0',
  ),
  action(
    'setThreshold',
    { threshold: S.Integer({ minimum: 1, maximum: 100 }) },
    'approving weight needed, in percent of the active weight',
  ),
  action('grantRole', { account: ACCOUNT_SCHEMA, role: ROLE_SCHEMA }, 'give an account a role'),
  action('revokeRole', { account: ACCOUNT_SCHEMA, role: ROLE_SCHEMA }, 'take a role from an account'),
  action(
    'setPermission',
    {
      method: S.String({ pattern: METHOD_RE.source, description: 'module.method' }),
      roles: S.Array(ROLE_SCHEMA, { maxItems: 64 }),
    },
    'set the roles allowed to call a method (none: nobody)',
  ),
  action(
    'setParam',
    { name: S.Union(PARAM_NAMES.map((n) => S.Literal(n))), value: S.Integer({ minimum: 1 }) },
    'change a chain parameter',
  ),
  action('freeze', { account: ACCOUNT_SCHEMA }, 'freeze an account: it can no longer call anything'),
  action('unfreeze', { account: ACCOUNT_SCHEMA }, 'unfreeze an account'),
]);

/** Validity of an action against current state. Pure; throws GOV_INVALID_CHANGE / GOV_UNKNOWN_ORG. */
export function assertValidAction(state: StateReader, suite: CryptoSuite, a: GovAction): void {
  switch (a.type) {
    case 'addOrg': {
      if (!ID_RE.test(a.org.id)) bad('org id must match [a-z0-9-]');
      if (readOrg(state, a.org.id)) bad(`org ${a.org.id} already exists`);
      const existingNodes = new Set(listOrgs(state).flatMap((o) => o.nodes.map((n) => n.id)));
      for (const n of a.org.nodes) {
        if (!ID_RE.test(n.id) || existingNodes.has(n.id)) bad(`node id ${n.id} invalid or taken`);
        checkKey(suite, n.publicKey);
      }
      for (const k of a.org.admins) checkKey(suite, k);
      return;
    }
    case 'removeOrg':
      if (!readOrg(state, a.id)) throw new GongzhiError('GOV_UNKNOWN_ORG', `no org ${a.id}`, { id: a.id });
      if (listOrgIds(state).length === 1) bad('cannot remove the last organisation');
      return;
    case 'setMember': {
      const c = readCommittee(state);
      const remaining = c.members.filter((m) => m.account !== a.account);
      if (a.weight === 0 && remaining.length === 0) bad('cannot remove the last committee member');
      return;
    }
    case 'setThreshold':
      if (a.threshold < 1) bad('threshold must be 1..100');
      return;
    case 'grantRole':
    case 'revokeRole':
      if (a.role === '*' || a.role === 'committee') bad(`role ${a.role} is managed by the chain`);
      return;
    case 'setPermission':
      if (!METHOD_RE.test(a.method)) bad('method must be "module.method"');
      return;
    case 'setParam':
      if (!isParamName(a.name)) bad(`unknown parameter ${a.name}`);
      if (a.value <= 0) bad('parameters are positive integers');
      return;
    case 'freeze':
    case 'unfreeze':
      return;
  }
}

function isParamName(n: string): n is keyof ChainParams {
  return (PARAM_NAMES as readonly string[]).includes(n);
}

function checkKey(suite: CryptoSuite, hex: string): void {
  let ok = false;
  try {
    ok = fromHex(hex).length > 0;
    suite.address(fromHex(hex));
  } catch {
    ok = false;
  }
  if (!ok) bad('invalid public key');
}

/** Apply an action that passed `assertValidAction` (its reads see the writes of the same call). */
export function applyAction(state: StateOverlay, suite: CryptoSuite, a: GovAction): void {
  switch (a.type) {
    case 'addOrg': {
      writeOrg(state, a.org);
      writeOrgIndex(state, [...listOrgIds(state), a.org.id]);
      for (const k of a.org.admins) {
        const addr = suite.address(fromHex(k));
        writeRoles(state, addr, [...readRoles(state, addr), 'org', `org:${a.org.id}`]);
      }
      return;
    }
    case 'removeOrg': {
      const org = readOrg(state, a.id);
      deleteOrg(state, a.id);
      writeOrgIndex(
        state,
        listOrgIds(state).filter((x) => x !== a.id),
      );
      for (const k of org?.admins ?? []) {
        const addr = suite.address(fromHex(k));
        writeRoles(
          state,
          addr,
          readRoles(state, addr).filter((r) => r !== 'org' && r !== `org:${a.id}`),
        );
      }
      return;
    }
    case 'setMember': {
      const c = readCommittee(state);
      const members = c.members.filter((m) => m.account !== a.account);
      if (a.weight > 0) members.push({ account: a.account, weight: a.weight });
      members.sort((x, y) => (x.account < y.account ? -1 : x.account > y.account ? 1 : 0));
      writeCommittee(state, { members, threshold: c.threshold });
      const roles = readRoles(state, a.account).filter((r) => r !== 'committee');
      writeRoles(state, a.account, a.weight > 0 ? [...roles, 'committee'] : roles);
      return;
    }
    case 'setThreshold': {
      const c = readCommittee(state);
      writeCommittee(state, { members: c.members, threshold: a.threshold });
      return;
    }
    case 'grantRole':
      writeRoles(state, a.account, [...readRoles(state, a.account), a.role]);
      return;
    case 'revokeRole':
      writeRoles(
        state,
        a.account,
        readRoles(state, a.account).filter((r) => r !== a.role),
      );
      return;
    case 'setPermission':
      writePermission(state, a.method, a.roles);
      return;
    case 'setParam': {
      // assertValidAction refused unknown names; the guard keeps the write typed.
      if (!isParamName(a.name)) bad(`unknown parameter ${a.name}`);
      writeParams(state, { ...readParams(state), [a.name]: a.value });
      return;
    }
    case 'freeze':
      writeFrozen(state, a.account, true);
      return;
    case 'unfreeze':
      writeFrozen(state, a.account, false);
      return;
  }
}
