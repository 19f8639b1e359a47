import { toHex } from '../../encoding/index.js';
import { defineQuery, type QueryArgs, S } from '../../execution/index.js';
import type { StateReader } from '../../state/index.js';
import { AREA_FIELDS, areaListCodec, areaMoveCodec, areaRequestCodec } from './areas.js';
import { bookCodec } from './book.js';
import { breakageCodec, breakageFor } from './breakage.js';
import { type Dispute, type DisputeDecision, disputeCodec, disputeStatus } from './dispute.js';
import { holderCodec } from './holder.js';
import { bookIdOf, keys } from './keys.js';
import { areaMoveCountCodec, disputeCountCodec } from './marks.js';
import { type NumMap, numMapCodec } from './num-map.js';
import { addrParam, found, MAX_PAGE, programParam, qs, totalsRecord } from './queries.js';
import { readRecord } from './stored.js';
import { periodFields } from './totals.js';
import type { Program } from './types.js';

/**
 * Item 14's reports: disputes and their decisions, the breakage schedule with a period's breakage
 * by destination, and a period's figures by area (community and street). Each reads the records
 * kept as things happen — dispute records, the period and area aggregates — never the journal.
 */

/** The period asked for (default: the open one) and its program aggregate. */
function periodOf(state: StateReader, p: Program, q: QueryArgs): { period: number; agg: NumMap } {
  const book = readRecord(state, keys.book(bookIdOf(p)), bookCodec);
  const period = q.uint('period', book?.period ?? 1);
  const closed = book !== undefined && period < book.period;
  const agg = closed
    ? (readRecord(state, keys.periodAgg(p.id, period), numMapCodec) ?? {})
    : periodFields(totalsRecord(state, p), period);
  return { period, agg };
}

function decisionJson(x: DisputeDecision): Record<string, unknown> {
  const { payableMoney, fromFollowed, receivableMoney, ...rest } = x;
  return {
    ...rest,
    ...(receivableMoney === 0 ? {} : { receivableMoney }),
    report: toHex(x.report),
    ...(payableMoney === 0 ? {} : { payableMoney }),
    ...(fromFollowed === 0 ? {} : { fromFollowed }),
  };
}

function disputeJson(d: Dispute): Record<string, unknown> {
  return {
    n: d.n,
    claim: toHex(d.claim),
    user: d.user,
    distributor: d.distributor,
    points: d.points,
    by: d.by,
    as: d.as,
    reason: toHex(d.reason),
    hold: d.hold,
    ...(Object.keys(d.payables).length === 0 ? {} : { payables: { ...d.payables } }),
    // the exact spending the money hold follows (spend-trail.ts)
    ...(d.spends.length === 0 ? {} : { spends: d.spends.map((h) => ({ ...h, tx: toHex(h.tx) })) }),
    // the award's transferred units held on the recipients' holdings
    ...(Object.keys(d.follow).length === 0 ? {} : { follow: { ...d.follow } }),
    // the award's spending paid out at an earlier close (a receivable if upheld)
    ...(Object.keys(d.paid).length === 0 ? {} : { paid: { ...d.paid } }),
    height: d.height,
    ts: d.ts,
    status: disputeStatus(d),
    ...(d.decision === undefined ? {} : { decision: decisionJson(d.decision) }),
  };
}

const disputeSchema = S.Record(S.String(), S.Unknown(), {
  description:
    'n, claim, user, distributor, points, by, as, reason, hold, payables?, spends?, follow?, paid?, height, ts, status, decision?',
});

const dispute = defineQuery({
  summary: 'A dispute of an award: who opened it, the hold, the decision and what was clawed back',
  args: S.Object({ program: qs.program(), n: S.UintParam('dispute number') }),
  result: disputeSchema,
  run: ({ state }, q) => {
    const p = programParam(state, q);
    return disputeJson(
      found(
        state,
        keys.dispute(p.id, q.uint('n', undefined, Number.MAX_SAFE_INTEGER, 1)),
        disputeCodec,
        'dispute',
      ),
    );
  },
});

const disputes = defineQuery({
  summary: 'The disputes of a program, by number, paged',
  args: S.Object({
    program: qs.program(),
    from: qs.uintParam('first dispute number (default 1)'),
    limit: qs.uintParam(`≤ ${MAX_PAGE} (default 100)`),
  }),
  result: qs.obj({ program: S.String(), count: S.Integer(), disputes: S.Array(disputeSchema) }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const count = readRecord(state, keys.disputeCount(p.id), disputeCountCodec) ?? 0;
    const from = q.uint('from', 1, Number.MAX_SAFE_INTEGER, 1);
    const limit = q.uint('limit', 100, MAX_PAGE);
    const out: Record<string, unknown>[] = [];
    for (let n = from; n <= count && out.length < limit; n++) {
      out.push(disputeJson(found(state, keys.dispute(p.id, n), disputeCodec, 'dispute')));
    }
    return { program: p.id, count, disputes: out };
  },
});

const breakage = defineQuery({
  summary: 'Breakage: the schedule, the policy for points issued now, and a period’s breakage by destination',
  args: S.Object({ program: qs.program(), period: qs.uintParam('period number (default: the open one)') }),
  result: qs.obj({
    program: S.String(),
    schedule: S.Array(S.Record(S.String(), S.Unknown())),
    now: S.Record(S.String(), S.Unknown(), { description: 'the entry for lots issued at the next block' }),
    period: S.Integer(),
    expired: S.Integer({ description: 'points swept this period' }),
    toSponsor: S.Integer(),
    toCause: S.Integer(),
    toScheme: S.Integer(),
    money: S.Integer({ description: 'backing moved by the sweeps (to pools or payables)' }),
  }),
  run: ({ state, height }, q) => {
    const p = programParam(state, q);
    const s = readRecord(state, keys.breakage(p.id), breakageCodec) ?? { entries: [] };
    const { period, agg } = periodOf(state, p, q);
    const expired = agg.expired ?? 0;
    const toCause = agg.breakageToCause ?? 0;
    const toScheme = agg.breakageToScheme ?? 0;
    const entry = (e: (typeof s.entries)[number]) => ({
      fromHeight: e.from,
      policy: e.policy,
      ...(e.cause === '' ? {} : { cause: e.cause }),
      ...(e.by === '' ? {} : { by: e.by, at: e.at }),
    });
    return {
      program: p.id,
      schedule: s.entries.map(entry),
      now: entry(breakageFor(s, height + 1)),
      period,
      expired,
      toSponsor: expired - toCause - toScheme,
      toCause,
      toScheme,
      money: agg.breakageMoney ?? 0,
    };
  },
});

type Figures = Record<(typeof AREA_FIELDS)[number] | 'reductionKg' | 'clawedBackKg', number>;

function figures(a: NumMap): Figures {
  const f = Object.fromEntries(AREA_FIELDS.map((k) => [k, a[k] ?? 0])) as Record<
    (typeof AREA_FIELDS)[number],
    number
  >;
  return {
    ...f,
    reductionKg: Math.floor(f.reductionG / 1000),
    clawedBackKg: Math.floor(f.clawedBackG / 1000),
  };
}

const areas = defineQuery({
  summary:
    'A period’s figures by community and street: claims, awarded, redeemed, expired, clawed back, kg CO2e',
  args: S.Object({ program: qs.program(), period: qs.uintParam('period number (default: the open one)') }),
  result: qs.obj({
    program: S.String(),
    period: S.Integer(),
    areas: S.Array(S.Record(S.String(), S.Unknown())),
    streets: S.Array(S.Record(S.String(), S.Unknown())),
    whole: S.Record(S.String(), S.Integer(), {
      description: 'the whole program (members without an area included)',
    }),
  }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const { period, agg } = periodOf(state, p, q);
    const list = readRecord(state, keys.areas(p.id), areaListCodec)?.areas ?? [];
    const streets = new Map<string, Record<string, number>>();
    const rows = list.map((x) => {
      const f = figures(readRecord(state, keys.areaAgg(p.id, period, x.id), numMapCodec) ?? {});
      const street = x.street === '' ? x.id : x.street;
      const sum = streets.get(street) ?? {};
      for (const k of AREA_FIELDS) sum[k] = (sum[k] ?? 0) + f[k];
      streets.set(street, sum);
      return { area: x.id, street: x.street, ...(x.worker === '' ? {} : { worker: x.worker }), ...f };
    });
    return {
      program: p.id,
      period,
      areas: rows,
      streets: [...streets].map(([street, sum]) => ({ street, ...figures(sum) })),
      whole: figures(agg),
    };
  },
});

const memberArea = defineQuery({
  summary:
    'A member’s confirmed area, her pending request, and every change of her area (who, from, to, when)',
  args: S.Object({ program: qs.program(), account: qs.account('the member') }),
  result: qs.obj({
    program: S.String(),
    account: S.String(),
    area: S.String({ description: 'the confirmed area ("" none): what the reports count' }),
    pending: S.Optional(S.Record(S.String(), S.Unknown(), { description: 'area, height, ts' })),
    moves: S.Array(
      S.Record(S.String(), S.Unknown(), {
        description: 'n, from? (none: no area before), to? (none: left), by, height, ts',
      }),
    ),
  }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const account = addrParam(q, 'account');
    const h = found(state, keys.holder(p.id, account), holderCodec, 'member');
    const pending = readRecord(state, keys.areaRequest(p.id, account), areaRequestCodec);
    const count = readRecord(state, keys.areaMoves(p.id, account), areaMoveCountCodec) ?? 0;
    const moves: Record<string, unknown>[] = [];
    for (let n = 1; n <= count; n++) {
      const m = found(state, keys.areaMove(p.id, account, n), areaMoveCodec, 'area move');
      moves.push({
        n,
        ...(m.from === '' ? {} : { from: m.from }),
        ...(m.to === '' ? {} : { to: m.to }),
        by: m.by,
        height: m.height,
        ts: m.ts,
      });
    }
    return {
      program: p.id,
      account,
      area: h.area,
      ...(pending === undefined ? {} : { pending: { ...pending } }),
      moves,
    };
  },
});

export const oversightQueries = { dispute, disputes, breakage, areas, memberArea };
