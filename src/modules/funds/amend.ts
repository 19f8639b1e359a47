import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import {
  type Codec,
  defineCodec,
  defineMethod,
  defineQuery,
  readArgs,
  readStored,
  S,
  stateKey,
  writeStored,
} from '../../execution/index.js';
import type { CborMap, ShapeReader } from '../../ledger/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import { readSerial, schemas } from './args.js';
import { checkRules, memberSchema, tierSchema } from './fund-ops.js';
import { atJson } from './json.js';
import { appendLog } from './log.js';
import {
  type At,
  at,
  atValue,
  type Fund,
  foundFund,
  LIMITS,
  type Member,
  MODULE,
  notFrozen,
  readAt,
  readCount,
  readMembers,
  readTiers,
  type Tier,
  tierValue,
  writeCount,
  writeFund,
} from './record.js';
import { amendmentMotion, requirePassedResolution } from './resolution.js';
import { requireMember, requireProposer } from './roles.js';

/**
 * Amending a fund's rules (committee and weights, tiers, emergency limit, completion weight, fee):
 * a proposer (the manager's admin or a committee member) proposes the whole new rule set with a
 * public reason; it takes effect once it has the approval the fund's LARGEST expenses need under
 * the current rules — the top tier's committee weight (never counting the proposer), or, when the
 * top tier is an owners' resolution, a passed resolution carrying the amendment's motion tag. So
 * a committee can never vote away the owners' resolution tier by itself. The custodian, manager
 * and supervisor are not amendable (a new custodian bank is a new fund). Every applied amendment
 * goes to the public supervision log; an amendment proposed on rules that changed since is stale.
 * Expenses already submitted keep the rule fixed at submission.
 */

/** The amendable part of a fund. */
export type Rules = Pick<Fund, 'members' | 'tiers' | 'emergencyLimit' | 'completionWeight' | 'feeBps'>;

export interface Vote {
  readonly account: string;
  readonly weight: number;
  readonly at: At;
}

export interface Amendment {
  readonly n: number;
  readonly fund: string;
  readonly proposer: string;
  readonly reason: string;
  readonly rules: Rules;
  /** The fund's rules version it amends (0: as created). */
  readonly base: number;
  readonly status: 'proposed' | 'applied';
  readonly approvals: readonly Vote[];
  readonly resolution?: string;
  readonly proposedAt: At;
  readonly appliedAt?: At;
}

export const amendKeys = {
  count: (fund: string): string => stateKey(MODULE, 'amends', fund),
  at: (fund: string, n: number): string => stateKey(MODULE, 'amend', fund, String(n)),
  version: (fund: string): string => stateKey(MODULE, 'rulesv', fund),
};

const rulesValue = (r: Rules): CborMap => ({
  members: r.members.map((m: Member) => ({ account: m.account, weight: m.weight })),
  tiers: r.tiers.map(tierValue),
  emergencyLimit: r.emergencyLimit,
  completionWeight: r.completionWeight,
  feeBps: r.feeBps,
});

/** Rules as stored (every field) or as the arguments give them (`optional`: limit and fee default 0). */
function readRules(r: ShapeReader, optional: boolean): Rules {
  return {
    members: readMembers(r),
    tiers: readTiers(r),
    emergencyLimit: optional ? r.optUint('emergencyLimit', 0) : r.uint('emergencyLimit'),
    completionWeight: r.uint('completionWeight'),
    feeBps: optional ? r.optUint('feeBps', 0, 10_000) : r.uint('feeBps', 10_000),
  };
}

const RULE_FIELDS = ['members', 'tiers', 'emergencyLimit', 'completionWeight', 'feeBps'];

const voteValue = (v: Vote): CborMap => ({ account: v.account, weight: v.weight, at: atValue(v.at) });

export const amendmentCodec: Codec<Amendment> = defineCodec<Amendment>(
  'fund amendment',
  [
    'n',
    'fund',
    'proposer',
    'reason',
    'rules',
    'base',
    'status',
    'approvals',
    'resolution',
    'proposedAt',
    'appliedAt',
  ],
  (a) => ({
    n: a.n,
    fund: a.fund,
    proposer: a.proposer,
    reason: a.reason,
    rules: rulesValue(a.rules),
    base: a.base,
    status: a.status,
    approvals: a.approvals.map(voteValue),
    ...(a.resolution === undefined ? {} : { resolution: a.resolution }),
    proposedAt: atValue(a.proposedAt),
    ...(a.appliedAt === undefined ? {} : { appliedAt: atValue(a.appliedAt) }),
  }),
  (r) => {
    const rules = r.nested('rules', RULE_FIELDS);
    const a: Amendment = {
      n: r.uint('n'),
      fund: r.id('fund'),
      proposer: r.str('proposer', LIMITS.account),
      reason: r.str('reason', LIMITS.reason),
      rules: readRules(rules, false),
      base: r.uint('base'),
      status: r.oneOf('status', ['proposed', 'applied'] as const),
      approvals: r.list('approvals', LIMITS.members, (v: CborValue, path) => {
        const x = r.sub(v, path, ['account', 'weight', 'at']);
        return { account: x.str('account', LIMITS.account), weight: x.uint('weight'), at: readAt(x, 'at') };
      }),
      proposedAt: readAt(r, 'proposedAt'),
    };
    return {
      ...a,
      ...(r.has('resolution') ? { resolution: r.id('resolution') } : {}),
      ...(r.has('appliedAt') ? { appliedAt: readAt(r, 'appliedAt') } : {}),
    };
  },
);

export const readAmendment = (s: StateReader, fund: string, n: number): Amendment | undefined =>
  readStored(s, amendKeys.at(fund, n), amendmentCodec);
const writeAmendment = (s: StateOverlay, a: Amendment): void =>
  writeStored(s, amendKeys.at(a.fund, a.n), amendmentCodec, a);
export const rulesVersion = (s: StateReader, fund: string): number => readCount(s, amendKeys.version(fund));

/** What an amendment of `f` needs: the top tier's rule under the current rules. */
export function amendmentRule(f: Fund): Tier {
  const top = f.tiers[f.tiers.length - 1];
  if (top === undefined || top.rule === 'resolution') return top ?? { from: 0, rule: 'committee', weight: 1 };
  const weight = Math.max(...f.tiers.map((t) => (t.rule === 'committee' ? t.weight : 0)));
  return { ...top, weight };
}

interface ProposeArgs {
  readonly fund: string;
  readonly reason: string;
  readonly rules: Rules;
}

/** `proposeAmendment`: the manager's admin or a committee member proposes new rules, with a reason. */
export const proposeAmendment = defineMethod<ProposeArgs, { f: Fund; n: number; base: number }>({
  summary:
    'Propose new fund rules (committee, tiers, limits, fee) with a public reason; they need the approval the top tier needs',
  args: S.Object(
    {
      fund: schemas.fund,
      reason: schemas.reason,
      rules: S.Object(
        {
          members: S.Array(memberSchema, { maxItems: LIMITS.members }),
          tiers: S.Array(tierSchema, { minItems: 1, maxItems: LIMITS.tiers }),
          emergencyLimit: S.Optional(S.Uint('largest amount the supervisor may fast-track')),
          completionWeight: S.Uint('committee weight that confirms completed works'),
          feeBps: S.Optional(S.Integer({ minimum: 0, maximum: 10_000 })),
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['fund', 'reason', 'rules']);
    const rules = r.nested('rules', RULE_FIELDS);
    return {
      fund: r.id('fund'),
      reason: r.str('reason', LIMITS.reason),
      rules: readRules(rules, true),
    };
  },
  check: ({ state, sender }, a) => {
    const f = foundFund(state, a.fund);
    notFrozen(f);
    requireProposer(state, f, sender);
    checkRules(state, { ...f, ...a.rules });
    return { f, n: readCount(state, amendKeys.count(f.id)) + 1, base: rulesVersion(state, f.id) };
  },
  apply: (ctx, a, { f, n, base }) => {
    writeAmendment(ctx.state, {
      n,
      fund: f.id,
      proposer: ctx.sender,
      reason: a.reason,
      rules: a.rules,
      base,
      status: 'proposed',
      approvals: [],
      proposedAt: at(ctx),
    });
    writeCount(ctx.state, amendKeys.count(f.id), n);
    ctx.emit('amendmentProposed', { fund: f.id, amendment: n, motion: amendmentMotion(f.id, n) });
  },
});

interface ApproveArgs {
  readonly fund: string;
  readonly amendment: number;
  readonly resolution?: string;
}

interface ApprovePlan {
  readonly f: Fund;
  readonly a: Amendment;
  /** A committee member's weight added (committee-governed funds). */
  readonly weight?: number;
  readonly applies: boolean;
}

/** The proposed amendment `n` of `f` on the fund's current rules (FUNDS_BAD_STATE / _STALE). */
function openAmendment(state: StateReader, f: Fund, n: number): Amendment {
  const a = readAmendment(state, f.id, n);
  if (a === undefined) {
    throw new GongzhiError('FUNDS_NOT_FOUND', `no amendment ${n} of ${f.id}`, { fund: f.id, amendment: n });
  }
  if (a.status !== 'proposed') {
    throw new GongzhiError('FUNDS_BAD_STATE', `amendment ${n} is ${a.status}`, {
      amendment: n,
      status: a.status,
    });
  }
  const now = rulesVersion(state, f.id);
  if (a.base !== now) {
    throw new GongzhiError(
      'FUNDS_AMENDMENT_STALE',
      `amendment ${n} amends rules version ${a.base}; the fund is at version ${now}`,
      { amendment: n, base: a.base, version: now },
    );
  }
  return a;
}

/**
 * `approveAmendment`: on a committee-governed fund, a committee member other than the proposer
 * adds her weight (applied when the top tier's weight is reached); on a resolution-governed fund,
 * a proposer-eligible account cites the passed owners' resolution, which applies it at once.
 */
export const approveAmendment = defineMethod<ApproveArgs, ApprovePlan>({
  summary:
    'Approve a proposed rule amendment: committee weight of the top tier, or the passed owners’ resolution it needs',
  args: S.Object(
    {
      fund: schemas.fund,
      amendment: schemas.serial,
      resolution: S.Optional(S.Id('owners’ resolution id (resolution-governed funds)')),
    },
    { additionalProperties: false },
  ),
  parse: (v) => {
    const r = readArgs(v, ['fund', 'amendment', 'resolution']);
    const base = { fund: r.id('fund'), amendment: readSerial(r, 'amendment') };
    return r.has('resolution') ? { ...base, resolution: r.id('resolution') } : base;
  },
  check: ({ state, sender }, x) => {
    const f = foundFund(state, x.fund);
    notFrozen(f);
    const a = openAmendment(state, f, x.amendment);
    const rule = amendmentRule(f);
    if (rule.rule === 'resolution') {
      requireProposer(state, f, sender);
      requirePassedResolution(state, f, x.resolution, {
        motion: amendmentMotion(f.id, a.n),
        matter: rule.matter ?? 'ordinary',
        since: a.proposedAt.height,
      });
      checkRules(state, { ...f, ...a.rules });
      return { f, a, applies: true };
    }
    const m = requireMember(f, sender);
    if (a.proposer === sender) {
      throw new GongzhiError('FUNDS_SELF_APPROVAL', 'the proposer cannot approve her own amendment', {
        amendment: a.n,
      });
    }
    if (a.approvals.some((v) => v.account === sender)) {
      throw new GongzhiError('FUNDS_ALREADY_APPROVED', 'this member approved this amendment already', {
        amendment: a.n,
      });
    }
    const reached = a.approvals.reduce((s, v) => s + v.weight, m.weight) >= rule.weight;
    if (reached) checkRules(state, { ...f, ...a.rules });
    return { f, a, weight: m.weight, applies: reached };
  },
  apply: (ctx, x, { f, a, weight, applies }) => {
    const approvals =
      weight === undefined ? a.approvals : [...a.approvals, { account: ctx.sender, weight, at: at(ctx) }];
    const next: Amendment = {
      ...a,
      approvals,
      ...(x.resolution === undefined ? {} : { resolution: x.resolution }),
      ...(applies ? { status: 'applied' as const, appliedAt: at(ctx) } : {}),
    };
    writeAmendment(ctx.state, next);
    if (!applies) {
      ctx.emit('amendmentApproval', { fund: f.id, amendment: a.n, by: ctx.sender, applied: false });
      return;
    }
    writeFund(ctx.state, { ...f, ...a.rules });
    writeCount(ctx.state, amendKeys.version(f.id), a.base + 1);
    appendLog(ctx.state, f.id, {
      kind: 'amendment',
      reason: a.reason,
      by: ctx.sender,
      at: at(ctx),
      amendment: a.n,
    });
    ctx.emit('amendmentApplied', { fund: f.id, amendment: a.n, version: a.base + 1, by: ctx.sender });
  },
});

const amendmentJson = (a: Amendment) => ({
  n: a.n,
  fund: a.fund,
  proposer: a.proposer,
  reason: a.reason,
  rules: {
    ...a.rules,
    members: a.rules.members.map((m) => ({ ...m })),
    tiers: a.rules.tiers.map((t) => ({ ...t })),
  },
  base: a.base,
  status: a.status,
  approvals: a.approvals.map((v) => ({ account: v.account, weight: v.weight, at: atJson(v.at) })),
  resolution: a.resolution ?? null,
  motion: amendmentMotion(a.fund, a.n),
  proposedAt: atJson(a.proposedAt),
  appliedAt: a.appliedAt === undefined ? null : atJson(a.appliedAt),
});

/** `amendments`: every proposed and applied rule amendment of a fund, with the rules version. */
export const amendments = defineQuery({
  summary:
    'A fund’s rule amendments (proposed and applied, with approvals and motion tags) and its rules version',
  args: S.Object({ fund: S.String({ description: 'fund id' }) }),
  result: S.Object({
    version: S.Integer({ minimum: 0 }),
    needs: S.Record(S.String(), S.Unknown()),
    amendments: S.Array(S.Record(S.String(), S.Unknown())),
  }),
  run: ({ state }, q) => {
    const f = foundFund(state, q.id('fund'));
    const n = readCount(state, amendKeys.count(f.id));
    const list = [];
    for (let i = 1; i <= n; i++) {
      const a = readAmendment(state, f.id, i);
      if (a !== undefined) list.push(amendmentJson(a));
    }
    const rule = amendmentRule(f);
    return {
      version: rulesVersion(state, f.id),
      needs:
        rule.rule === 'resolution'
          ? { rule: 'resolution', matter: rule.matter ?? 'ordinary' }
          : { rule: 'committee', weight: rule.weight },
      amendments: list,
    };
  },
});
