import { GongzhiError } from '../../errors/index.js';
import { defineMethod, readArgs, readStored, S, writeStored } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { governanceKeys, orgCodec } from '../governance/index.js';
import { readAmount, readReference, schemas } from './args.js';
import { BANK, post } from './journal.js';
import { appendLog } from './log.js';
import {
  at,
  FUND_KINDS,
  type Fund,
  foundFund,
  freshReference,
  idCodec,
  keys,
  LIMITS,
  readCount,
  readFund,
  readMembers,
  readTiers,
  useReference,
  writeCount,
  writeFund,
} from './record.js';
import { requireRole, totalWeight } from './roles.js';

export type CreateFundArgs = Omit<Fund, 'createdAt' | 'frozen'>;

function badRules(message: string, details: Record<string, string | number> = {}): never {
  throw new GongzhiError('FUNDS_BAD_RULES', message, details);
}

/** The fund's own rules must be usable: reachable weights, rising tiers, separate custodian. */
export function checkRules(state: StateReader, f: CreateFundArgs): void {
  for (const role of ['custodian', 'manager', 'supervisor'] as const) {
    if (readStored(state, governanceKeys.org(f[role]), orgCodec) === undefined) {
      badRules(`the ${role} ${f[role]} is not an organisation of this chain`, { role, org: f[role] });
    }
  }
  if (f.custodian === f.manager) badRules('the custodian bank cannot be the manager');
  if (f.supervisor === f.manager) badRules('the supervisor cannot be the manager');
  if (new Set(f.members.map((m) => m.account)).size !== f.members.length)
    badRules('a member is listed twice');
  const total = totalWeight(f);
  if (f.tiers.length === 0 || f.tiers[0]?.from !== 0) badRules('the first tier starts at 0');
  f.tiers.forEach((t, i) => {
    const prev = f.tiers[i - 1];
    if (prev !== undefined && t.from <= prev.from) badRules('tiers rise strictly', { tier: i });
    if (t.rule === 'committee' && (t.weight < 1 || t.weight > total)) {
      badRules(`tier ${i} needs weight 1..${total} (the members' total)`, { tier: i, total });
    }
    if (t.rule === 'resolution' && t.weight !== 0) badRules('a resolution tier has weight 0', { tier: i });
    if (t.rule === 'committee' && t.matter !== undefined)
      badRules('only a resolution tier names a matter', { tier: i });
  });
  if (f.completionWeight < 1 || f.completionWeight > total) {
    badRules(`completionWeight must be 1..${total}`, { total });
  }
  if (f.kind !== 'charity' && f.feeBps !== 0) badRules('only charity funds take a management fee');
}

export function parseCreateFund(v: Parameters<typeof readArgs>[0]): CreateFundArgs {
  const r = readArgs(v, [
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
  ]);
  return {
    id: r.id('id'),
    name: r.str('name', LIMITS.name),
    kind: r.oneOf('kind', FUND_KINDS),
    currency: r.match('currency', /^[A-Z]{3}$/, 'an ISO 4217 code (CNY)', 3),
    custodian: r.id('custodian'),
    manager: r.id('manager'),
    supervisor: r.id('supervisor'),
    members: readMembers(r),
    tiers: readTiers(r),
    emergencyLimit: r.optUint('emergencyLimit', 0),
    completionWeight: r.uint('completionWeight'),
    feeBps: r.optUint('feeBps', 0, 10_000),
  };
}

export const memberSchema = S.Object({
  account: S.String({ maxLength: 128 }),
  weight: S.Integer({ minimum: 1 }),
});
export const tierSchema = S.Object({
  from: S.Uint('smallest amount (minor units) of this tier'),
  rule: S.Union([S.Literal('committee'), S.Literal('resolution')]),
  weight: S.Uint('committee weight needed (0 for a resolution tier)'),
  matter: S.Optional(
    S.Union([S.Literal('ordinary'), S.Literal('major')], {
      description: 'art. 278 matter of a resolution tier (default ordinary)',
    }),
  ),
});

/** `createFund`: the manager's admin opens a fund with its custodian, supervisor, committee and tiers. */
export const createFund = defineMethod<CreateFundArgs>({
  summary:
    'Open a fund: currency, custodian bank, manager, supervisor, committee with weights, approval tiers',
  args: S.Object(
    {
      id: schemas.fund,
      name: S.String({ maxLength: LIMITS.name }),
      kind: S.Union(FUND_KINDS.map((k) => S.Literal(k))),
      currency: S.String({ pattern: '^[A-Z]{3}$' }),
      custodian: S.Id('custodian bank organisation'),
      manager: S.Id('managing organisation'),
      supervisor: S.Id('supervising organisation'),
      members: S.Array(memberSchema, { maxItems: LIMITS.members }),
      tiers: S.Array(tierSchema, { minItems: 1, maxItems: LIMITS.tiers }),
      emergencyLimit: S.Optional(S.Uint('largest amount the supervisor may fast-track')),
      completionWeight: S.Uint('committee weight that confirms completed works'),
      feeBps: S.Optional(
        S.Integer({ minimum: 0, maximum: 10_000, description: 'management fee, basis points' }),
      ),
    },
    { additionalProperties: false },
  ),
  parse: parseCreateFund,
  check: ({ state, sender }, a) => {
    if (readFund(state, a.id) !== undefined) {
      throw new GongzhiError('FUNDS_EXISTS', `fund ${a.id} exists`, { fund: a.id });
    }
    checkRules(state, a);
    requireRole(state, a, 'manager', sender);
  },
  apply: (ctx, a) => {
    writeFund(ctx.state, { ...a, createdAt: at(ctx) });
    const n = readCount(ctx.state, keys.fundCount()) + 1;
    writeStored(ctx.state, keys.fundAt(n), idCodec, a.id);
    writeCount(ctx.state, keys.fundCount(), n);
    ctx.emit('fundCreated', { fund: a.id, kind: a.kind, currency: a.currency, custodian: a.custodian });
  },
});

interface FreezeArgs {
  readonly fund: string;
  readonly reason: string;
}

const freezeSchema = S.Object(
  { fund: schemas.fund, reason: schemas.reason },
  { additionalProperties: false },
);

function parseFreeze(v: Parameters<typeof readArgs>[0]): FreezeArgs {
  const r = readArgs(v, ['fund', 'reason']);
  return { fund: r.id('fund'), reason: r.str('reason', LIMITS.reason) };
}

/** `freezeFund`: the supervisor stops new expenses, approvals and payments, with a public reason. */
export const freezeFund = defineMethod<FreezeArgs, Fund>({
  summary: 'Supervisor: freeze a fund (no new expenses, approvals or payments), with a public reason',
  args: freezeSchema,
  parse: parseFreeze,
  check: ({ state, sender }, a) => {
    const f = foundFund(state, a.fund);
    requireRole(state, f, 'supervisor', sender);
    if (f.frozen !== undefined) {
      throw new GongzhiError('FUNDS_FROZEN', `fund ${f.id} is frozen already`, { fund: f.id });
    }
    return f;
  },
  apply: (ctx, a, f) => {
    writeFund(ctx.state, { ...f, frozen: { reason: a.reason, at: at(ctx), by: ctx.sender } });
    appendLog(ctx.state, f.id, { kind: 'freeze', reason: a.reason, by: ctx.sender, at: at(ctx) });
    ctx.emit('fundFrozen', { fund: f.id, reason: a.reason, by: ctx.sender });
  },
});

/** `unfreezeFund`: the supervisor lifts a freeze, with a public reason. */
export const unfreezeFund = defineMethod<FreezeArgs, Fund>({
  summary: 'Supervisor: unfreeze a fund, with a public reason',
  args: freezeSchema,
  parse: parseFreeze,
  check: ({ state, sender }, a) => {
    const f = foundFund(state, a.fund);
    requireRole(state, f, 'supervisor', sender);
    if (f.frozen === undefined)
      throw new GongzhiError('FUNDS_NOT_FROZEN', `fund ${f.id} is not frozen`, { fund: f.id });
    return f;
  },
  apply: (ctx, a, f) => {
    const { frozen: _lifted, ...rest } = f;
    writeFund(ctx.state, rest);
    appendLog(ctx.state, f.id, { kind: 'unfreeze', reason: a.reason, by: ctx.sender, at: at(ctx) });
    ctx.emit('fundUnfrozen', { fund: f.id, reason: a.reason, by: ctx.sender });
  },
});

interface IncomeArgs {
  readonly fund: string;
  readonly amount: number;
  readonly category: string;
  readonly reference: string;
}

/**
 * `postIncome`: the custodian posts money received (fees, public income, interest): debit bank,
 * credit income:<category>. Allowed on a frozen fund: money arriving must still be recorded.
 */
export const postIncome = defineMethod<IncomeArgs>({
  summary: 'Custodian: post income received (fees, public income, interest) with its bank reference',
  args: S.Object(
    {
      fund: schemas.fund,
      amount: schemas.amount,
      category: S.Id('income category'),
      reference: schemas.reference,
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['fund', 'amount', 'category', 'reference']);
    return {
      fund: r.id('fund'),
      amount: readAmount(r),
      category: r.id('category'),
      reference: readReference(r),
    };
  },
  check: ({ state, sender }, a) => {
    const f = foundFund(state, a.fund);
    requireRole(state, f, 'custodian', sender);
    freshReference(state, f.id, a.reference);
  },
  apply: (ctx, a) => {
    const e = post(ctx.state, a.fund, {
      kind: 'income',
      ref: `income:${a.category}`,
      reference: a.reference,
      postings: [
        { account: BANK, side: 'dr', amount: a.amount },
        { account: `income:${a.category}`, side: 'cr', amount: a.amount },
      ],
      at: at(ctx),
    });
    useReference(ctx.state, a.fund, a.reference, `entry:${e.seq}`);
    ctx.emit('income', {
      fund: a.fund,
      amount: a.amount,
      category: a.category,
      reference: a.reference,
      entry: e.seq,
    });
  },
});
