import { defineQuery, S, stringListCodec } from '../../execution/index.js';
import { bookCodec } from './book.js';
import { holderCodec } from './holder.js';
import { bookIdOf, keys } from './keys.js';
import { lotExpired } from './lots.js';
import { memberEntryCodec } from './marks.js';
import { numMapCodec } from './num-map.js';
import { MAX_PAGE, programParam, qs, totalsRecord } from './queries.js';
import { readRecord } from './stored.js';
import { periodFields } from './totals.js';

/**
 * Supervision (issue 17, item 14, in part): a period's reductions by methodology version, activity
 * by kind and by distributor with an anomaly flag, and the members whose points expire soon (the
 * notice a platform sends before expiry). All from the running aggregates: nothing is scanned but
 * the page of members asked for.
 */

/** A distributor is flagged when its points per claim exceed this multiple of the median. */
const ANOMALY_FACTOR = 2;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

const supervision = defineQuery({
  summary:
    'Supervision report of a period: reductions by methodology, activity by kind and distributor, anomalies',
  args: S.Object({ program: qs.program(), period: qs.uintParam('period number (default: the open one)') }),
  result: qs.obj({
    program: S.String(),
    period: S.Integer(),
    byMethodology: qs.numMap,
    byKind: qs.numMap,
    distributors: S.Array(S.Record(S.String(), S.Unknown())),
    anomalies: S.Array(S.String()),
  }),
  run: ({ state }, q) => {
    const p = programParam(state, q);
    const book = readRecord(state, keys.book(bookIdOf(p)), bookCodec);
    const period = q.uint('period', book?.period ?? 1);
    const closed = book !== undefined && period < book.period;
    const agg = closed
      ? (readRecord(state, keys.periodAgg(p.id, period), numMapCodec) ?? {})
      : periodFields(totalsRecord(state, p), period);
    const byMethodology: Record<string, number> = {};
    for (const [k, v] of Object.entries(agg)) if (k.startsWith('r:')) byMethodology[`v${k.slice(2)}`] = v;
    const byKind: Record<string, number> = {};
    const list = readRecord(state, keys.distList(p.id, period), stringListCodec) ?? [];
    const distributors = list.map((d) => {
      const a = readRecord(state, keys.distAgg(p.id, period, d), numMapCodec) ?? {};
      const kinds: Record<string, number> = {};
      for (const [k, v] of Object.entries(a)) {
        if (!k.startsWith('q:')) continue;
        kinds[k.slice(2)] = v;
        byKind[k.slice(2)] = (byKind[k.slice(2)] ?? 0) + v;
      }
      const claims = a.claims ?? 0;
      return {
        distributor: d,
        claims,
        awarded: a.awarded ?? 0,
        reductionG: a.reductionG ?? 0,
        pointsPerClaim: claims > 0 ? Math.floor((a.awarded ?? 0) / claims) : 0,
        // item 14: disputes of its awards opened this period, and points clawed back from them
        disputes: a.disputes ?? 0,
        clawedBack: a.clawedBack ?? 0,
        kinds,
      };
    });
    const m = median(distributors.filter((d) => d.claims > 0).map((d) => d.pointsPerClaim));
    const anomalies =
      distributors.length < 2
        ? []
        : distributors.filter((d) => d.pointsPerClaim > ANOMALY_FACTOR * m).map((d) => d.distributor);
    return { program: p.id, period, byMethodology, byKind, distributors, anomalies };
  },
});

const expiring = defineQuery({
  summary:
    'Members whose unexpired points expire within a horizon (blocks or ms, per the expiry policy), paged',
  args: S.Object({
    program: qs.program(),
    within: S.UintParam('horizon: blocks or ms of block time, as the program’s expiry counts'),
    offset: qs.uintParam('first member, 0-based (default 0)'),
    limit: qs.uintParam(`members scanned, ≤ ${MAX_PAGE} (default 100)`),
  }),
  result: qs.obj({
    program: S.String(),
    horizon: S.Integer(),
    scanned: S.Integer(),
    members: S.Array(S.Object({ account: S.String(), points: S.Integer(), firstExpiry: S.Integer() })),
  }),
  run: ({ state, height }, q) => {
    const p = programParam(state, q);
    const t = totalsRecord(state, p);
    const now = p.expiry.kind === 'blocks' ? height : (t.lastTs ?? 0);
    const horizon = now + q.uint('within', undefined, 1e15);
    const total = t.members ?? 0;
    const offset = q.uint('offset', 0);
    const limit = q.uint('limit', 100, MAX_PAGE);
    const members: { account: string; points: number; firstExpiry: number }[] = [];
    let scanned = 0;
    for (let i = offset; i < total && scanned < limit; i++, scanned++) {
      const account = readRecord(state, keys.member(p.id, i), memberEntryCodec);
      const h =
        account === undefined ? undefined : readRecord(state, keys.holder(p.id, account), holderCodec);
      if (account === undefined || h === undefined) continue;
      let points = 0;
      let firstExpiry = 0;
      for (const l of h.lots) {
        if (l.exp === 0 || l.exp > horizon || lotExpired(p, l, height, t.lastTs ?? 0)) continue;
        points += l.amount;
        firstExpiry = firstExpiry === 0 ? l.exp : Math.min(firstExpiry, l.exp);
      }
      if (points > 0) members.push({ account, points, firstExpiry });
    }
    return { program: p.id, horizon, scanned, members };
  },
});

export const supervisionQueries = { supervision, expiring };
