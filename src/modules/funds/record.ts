import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import {
  type Codec,
  defineCodec,
  defineValueCodec,
  readStored,
  stateKey,
  uintCodec,
  writeStored,
} from '../../execution/index.js';
import type { CborMap, ShapeReader } from '../../ledger/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';

/** Module name, also the state key prefix. */
export const MODULE = 'funds';

/** Bounds of stored strings and lists (what the write paths can produce). */
export const LIMITS = {
  account: 128,
  name: 128,
  purpose: 256,
  reason: 256,
  reference: 64,
  members: 64,
  tiers: 8,
  receipts: 32,
  history: 64,
} as const;

export const FUND_KINDS = ['community', 'charity'] as const;
export type FundKind = (typeof FUND_KINDS)[number];

/** Where something happened: the signed transaction that did it. */
export interface At {
  readonly height: number;
  readonly timestamp: number;
  readonly tx: Uint8Array;
}

export interface Member {
  readonly account: string;
  readonly weight: number;
}

/**
 * An approval tier: expenses of `from` minor units or more (up to the next tier) need either
 * `weight` of committee weight (`committee`) or an owners' resolution (`resolution`).
 */
export interface Tier {
  readonly from: number;
  readonly rule: 'committee' | 'resolution';
  readonly weight: number;
  /**
   * A resolution tier's art. 278 matter: absent means ordinary (item 5, using the maintenance
   * fund: more than half of the participating area and owners); `major` needs three quarters.
   */
  readonly matter?: 'ordinary' | 'major';
}

export const MATTERS = ['ordinary', 'major'] as const;

/** A tier as stored (and as the arguments give it): `matter` only when set. */
export const tierValue = (t: Tier): CborMap => ({
  from: t.from,
  rule: t.rule,
  weight: t.weight,
  ...(t.matter === undefined ? {} : { matter: t.matter }),
});

export interface Fund {
  readonly id: string;
  readonly name: string;
  readonly kind: FundKind;
  readonly currency: string;
  readonly custodian: string;
  readonly manager: string;
  readonly supervisor: string;
  readonly members: readonly Member[];
  readonly tiers: readonly Tier[];
  /** Largest amount the supervisor may fast-track (0: no fast track). */
  readonly emergencyLimit: number;
  /** Committee weight that confirms completion of works. */
  readonly completionWeight: number;
  /** Management-fee share of each donation, in basis points (charity funds). */
  readonly feeBps: number;
  readonly createdAt: At;
  readonly frozen?: { readonly reason: string; readonly at: At; readonly by: string };
}

/** State keys of the module (every key starts with `funds/`). */
export const keys = {
  fund: (id: string): string => stateKey(MODULE, 'fund', id),
  fundCount: (): string => stateKey(MODULE, 'funds'),
  fundAt: (i: number): string => stateKey(MODULE, 'funds', String(i)),
  expense: (id: number): string => stateKey(MODULE, 'expense', String(id)),
  expenseCount: (): string => stateKey(MODULE, 'expenses'),
  fundExpenseCount: (fund: string): string => stateKey(MODULE, 'fexp', fund),
  fundExpenseAt: (fund: string, i: number): string => stateKey(MODULE, 'fexp', fund, String(i)),
  reference: (fund: string, ref: string): string => stateKey(MODULE, 'ref', fund, ref),
  logCount: (fund: string): string => stateKey(MODULE, 'log', fund),
  logAt: (fund: string, i: number): string => stateKey(MODULE, 'log', fund, String(i)),
};

export function at(ctx: { height: number; timestamp: number; txHash: Uint8Array }): At {
  return { height: ctx.height, timestamp: ctx.timestamp, tx: ctx.txHash };
}

export function atValue(a: At): CborMap {
  return { height: a.height, timestamp: a.timestamp, tx: a.tx };
}

export function readAt(r: ShapeReader, field: string): At {
  const a = r.nested(field, ['height', 'timestamp', 'tx']);
  return { height: a.uint('height'), timestamp: a.uint('timestamp'), tx: a.digest('tx') };
}

export function readMembers(r: ShapeReader): Member[] {
  return r.list('members', LIMITS.members, (v: CborValue, path) => {
    const m = r.sub(v, path, ['account', 'weight']);
    return { account: m.str('account', LIMITS.account), weight: m.int('weight', 1, 1_000_000) };
  });
}

export function readTiers(r: ShapeReader): Tier[] {
  return r.list('tiers', LIMITS.tiers, (v: CborValue, path) => {
    const t = r.sub(v, path, ['from', 'rule', 'weight', 'matter']);
    const tier: Tier = {
      from: t.uint('from'),
      rule: t.oneOf('rule', ['committee', 'resolution'] as const),
      weight: t.uint('weight'),
    };
    return t.has('matter') ? { ...tier, matter: t.oneOf('matter', MATTERS) } : tier;
  });
}

export const fundCodec: Codec<Fund> = defineCodec<Fund>(
  'fund',
  [
    'id',
    'name',
    'kind',
    'currency',
    'custodian',
    'manager',
    'supervisor',
    'members',
    'tiers',
    'emergencyLimit',
    'completionWeight',
    'feeBps',
    'createdAt',
    'frozen',
  ],
  (f) => ({
    id: f.id,
    name: f.name,
    kind: f.kind,
    currency: f.currency,
    custodian: f.custodian,
    manager: f.manager,
    supervisor: f.supervisor,
    members: f.members.map((m) => ({ account: m.account, weight: m.weight })),
    tiers: f.tiers.map(tierValue),
    emergencyLimit: f.emergencyLimit,
    completionWeight: f.completionWeight,
    feeBps: f.feeBps,
    createdAt: atValue(f.createdAt),
    ...(f.frozen === undefined
      ? {}
      : { frozen: { reason: f.frozen.reason, at: atValue(f.frozen.at), by: f.frozen.by } }),
  }),
  (r) => {
    const fund: Fund = {
      id: r.id('id'),
      name: r.str('name', LIMITS.name),
      kind: r.oneOf('kind', FUND_KINDS),
      currency: r.match('currency', /^[A-Z]{3}$/, 'an ISO 4217 code', 3),
      custodian: r.id('custodian'),
      manager: r.id('manager'),
      supervisor: r.id('supervisor'),
      members: readMembers(r),
      tiers: readTiers(r),
      emergencyLimit: r.uint('emergencyLimit'),
      completionWeight: r.uint('completionWeight'),
      feeBps: r.uint('feeBps', 10_000),
      createdAt: readAt(r, 'createdAt'),
    };
    if (!r.has('frozen')) return fund;
    const z = r.nested('frozen', ['reason', 'at', 'by']);
    return {
      ...fund,
      frozen: {
        reason: z.str('reason', LIMITS.reason),
        at: readAt(z, 'at'),
        by: z.str('by', LIMITS.account),
      },
    };
  },
);

export function readFund(state: StateReader, id: string): Fund | undefined {
  return readStored(state, keys.fund(id), fundCodec);
}

/** The fund, or FUNDS_NOT_FOUND. */
export function foundFund(state: StateReader, id: string): Fund {
  const f = readFund(state, id);
  if (f === undefined) throw new GongzhiError('FUNDS_NOT_FOUND', `no fund ${id}`, { fund: id });
  return f;
}

/** FUNDS_FROZEN when the supervisor froze the fund. */
export function notFrozen(f: Fund): void {
  if (f.frozen !== undefined) {
    throw new GongzhiError('FUNDS_FROZEN', `fund ${f.id} is frozen: ${f.frozen.reason}`, {
      fund: f.id,
      reason: f.frozen.reason,
    });
  }
}

export function writeFund(state: StateOverlay, f: Fund): void {
  writeStored(state, keys.fund(f.id), fundCodec, f);
}

/** A counter; absent means zero (nothing counted yet). */
export function readCount(state: StateReader, key: string): number {
  return readStored(state, key, uintCodec) ?? 0;
}

export function writeCount(state: StateOverlay, key: string, n: number): void {
  writeStored(state, key, uintCodec, n);
}

/** A custodian reference already posted in this fund: FUNDS_DUPLICATE_REFERENCE. */
export function freshReference(state: StateReader, fund: string, ref: string): void {
  if (readStored(state, keys.reference(fund, ref), refCodec) !== undefined) {
    throw new GongzhiError('FUNDS_DUPLICATE_REFERENCE', `reference ${ref} was posted already in ${fund}`, {
      fund,
      reference: ref,
    });
  }
}

/** Remember a custodian reference with what it posted (`expense:3`, `income:7`…). */
export function useReference(state: StateOverlay, fund: string, ref: string, what: string): void {
  writeStored(state, keys.reference(fund, ref), refCodec, what);
}

/** What a custodian reference posted: a short string such as `expense:3`. */
const refCodec: Codec<string> = defineValueCodec<string>(
  'reference use',
  (s) => s,
  (v, fail) =>
    typeof v === 'string' && v.length > 0 && v.length <= 64 ? v : fail('a string of 1..64 chars'),
);

/** A stored id (the n-th fund's id). */
export const idCodec: Codec<string> = defineValueCodec<string>(
  'fund id',
  (s) => s,
  (v, fail) => (typeof v === 'string' && /^[a-z0-9][a-z0-9-]{0,63}$/.test(v) ? v : fail('an id')),
);
