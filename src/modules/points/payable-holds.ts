import { GongzhiError } from '../../errors/index.js';
import { moneyOf } from './accounting.js';
import type { Books } from './books.js';
import type { ClaimRecord } from './claim.js';
import type { HeldSpend } from './dispute.js';
import type { Env } from './env.js';
import { keys } from './keys.js';
import { type NumMap, numMapCodec } from './num-map.js';
import {
  closedTrailOf,
  putClosedTrail,
  putTrail,
  recipientOf,
  type SpendEntry,
  type SpendTrail,
  trailOf,
} from './spend-trail.js';
import type { Program } from './types.js';

/**
 * Holding the payables of a disputed award (item 14, "a hold on the affected settlement"). When a
 * member spends points, their backing leaves the sponsor's reserve for `payable:<sponsor>:<payee>`,
 * paid at the next close. If the award behind them is fraudulent, paying that out would make the
 * sponsor fund it after all. So:
 * - each spending (redeem, donate to a paying cause, cash-out, convert) records which lots it took,
 *   by issue stamp, and where their backing went (spend-trail.ts, the open period only — older
 *   payables were settled at a close already);
 * - an auditor's dispute of an award follows the award's own points: the trail entries stamped with
 *   the claim's (ts, height) — the lots the award gave her, spent oldest first by `take` — in the
 *   order she spent them, up to the award's points, never a unit another dispute holds. It holds
 *   their money on those exact payables; the dispute keeps what it holds (per account and per
 *   trail entry), the program the sum per payable account (`phold/<program>`), and `closePeriod`
 *   settles a held payable less its hold, keeping the rest open;
 * - a rejected dispute releases the hold (the next close pays it) and frees its trail units; an
 *   upheld one claws the held money back from the payable to the sponsor's pool, one balanced
 *   posting set, for at most the value of what was clawed back as owed. Like a card chargeback, the
 *   payee does not collect for a fraudulent award; the member still owes the points.
 * Attribution where lots cannot be told apart: an award's lots merge only with lots of the same
 * block, sponsor and expiry (lots.ts), so units of the claim's stamp count for the award up to its
 * points, in spending order, and a unit once held is held by that dispute only.
 * Transfers are followed: a transfer is a trail entry (`user:<to>`), the lots keep their stamp in
 * the recipient's holdings, so the dispute walks on into the recipient's trail (what she spent or
 * passed on of the stamp, same rules, at most MAX_FOLLOW_HOPS hops) and holds the rest on her
 * holdings; an upheld dispute claws those units from her first (clawback.ts).
 */

/** What an auditor's dispute holds: money per payable account, and the trail units behind it. */
export interface SpentHold {
  readonly payables: NumMap;
  readonly spends: readonly HeldSpend[];
  /** Points held on recipients' holdings (the award's units she transferred, still there). */
  readonly follow: NumMap;
  /** Money of the award's spending in a closed period, paid out at its close, per payable account. */
  readonly paid: NumMap;
}

const NO_HOLD: SpentHold = { payables: {}, spends: [], follow: {}, paid: {} };

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The money held per payable account by open disputes of program `p`. */
export function payableHolds(env: Env, p: Program): NumMap {
  return env.read(keys.payableHolds(p.id), numMapCodec) ?? {};
}

function addHolds(env: Env, p: Program, delta: NumMap, sign: 1 | -1): void {
  const all: Record<string, number> = { ...payableHolds(env, p) };
  for (const [acct, m] of Object.entries(delta)) {
    const v = (all[acct] ?? 0) + sign * m;
    if (v < 0)
      throw new GongzhiError('CHAIN_INVALID', 'a dispute releases more than is held', { account: acct });
    all[acct] = v;
  }
  // zero entries are not stored (numMapCodec drops them); nothing held at all: no record
  if (Object.values(all).every((v) => v === 0)) env.delete(keys.payableHolds(p.id));
  else env.write(keys.payableHolds(p.id), numMapCodec, all);
}

/** Most transfer hops a dispute follows from the disputed member (each hop is bounded by its trail). */
export const MAX_FOLLOW_HOPS = 4;

/** Units of the stamp (ts, height) still in `account`'s unexpired lots. */
function stampUnits(books: Books, account: string, ts: number, height: number): number {
  let s = 0;
  for (const l of books.lots.holder(account)?.lots ?? []) {
    if (l.ts === ts && l.height === height && !books.lots.isExpired(l)) s += l.amount;
  }
  return s;
}

/**
 * An auditor's dispute of claim `c`: hold the money of the award's spent points on the payables
 * their spending accrued this period, and follow the units she transferred (see above): in each
 * recipient, first what the recipient spent or passed on of the stamp (her own trail, the same
 * walk), then what is still in her lots (held on her holdings, `follow`). Returns what the
 * dispute holds; the disputed member's own point hold is the award less what `follow` holds.
 */
export function holdSpent(env: Env, books: Books, c: ClaimRecord): SpentHold {
  const p = books.program;
  if (p.value === 0) return NO_HOLD;
  const holds = payableHolds(env, p);
  type Cached = { period: number; entries: SpendEntry[]; changed: boolean; closed: boolean };
  const trails = new Map<string, Cached[]>();
  const hold: Record<string, number> = {};
  const paid: Record<string, number> = {};
  const follow: Record<string, number> = {};
  const spends: HeldSpend[] = [];
  // a member's closed trail (money already paid) then her open one: her spending in order
  const trailsOf = (user: string): Cached[] => {
    let ts = trails.get(user);
    if (ts === undefined) {
      ts = [];
      const closed = closedTrailOf(env, books, user);
      if (closed)
        ts.push({ period: closed.period, entries: [...closed.entries], changed: false, closed: true });
      const open = trailOf(env, books, user);
      ts.push({ period: open.period, entries: [...open.entries], changed: false, closed: false });
      trails.set(user, ts);
    }
    return ts;
  };
  // place up to `want` units of the stamp in `user`'s spending, in the order she spent them
  const walk = (user: string, want: number, hops: number): number => {
    let placed = 0;
    for (const t of trailsOf(user)) {
      for (let i = 0; i < t.entries.length && placed < want; i++) {
        const e = t.entries[i] as SpendEntry;
        if (e.ts !== c.ts || e.height !== c.height) continue;
        const to = recipientOf(e);
        let m: number;
        if (to !== undefined) {
          if (hops >= MAX_FOLLOW_HOPS) continue;
          m = Math.min(want - placed, e.points - e.held);
        } else if (t.closed) {
          // settled at that close: the money left; an upheld dispute books a receivable
          m = Math.min(want - placed, e.points - e.held);
        } else {
          // what is still open on the account and held by no dispute (this one included)
          const open = books.accounts.balance(e.account) - (holds[e.account] ?? 0) - (hold[e.account] ?? 0);
          m = Math.min(want - placed, e.points - e.held, Math.floor(Math.max(0, open) / p.value));
        }
        if (m <= 0) continue;
        t.entries[i] = { ...e, held: e.held + m };
        t.changed = true;
        const whose = user === c.user ? {} : { user };
        // the path in order: a transfer, then what its recipient did with the units
        spends.push({ ...whose, period: t.period, i, op: e.op, account: e.account, points: m, tx: e.tx });
        placed += m;
        if (to !== undefined) into(to, m, hops + 1);
        else if (t.closed) paid[e.account] = (paid[e.account] ?? 0) + moneyOf(p, m);
        else hold[e.account] = (hold[e.account] ?? 0) + moneyOf(p, m);
      }
    }
    return placed;
  };
  // `m` units reached recipient `to`: what she spent or passed on first, the rest on her holdings
  const into = (to: string, m: number, hops: number): void => {
    const rest = m - walk(to, m, hops);
    const h = books.lots.holder(to);
    // units that came back to the disputed member are under her own hold already
    if (rest <= 0 || h === undefined || to === c.user) return;
    const free = books.lots.position(to).available - h.held - (follow[to] ?? 0);
    const r = Math.min(rest, stampUnits(books, to, c.ts, c.height) - (follow[to] ?? 0), free);
    if (r > 0) follow[to] = (follow[to] ?? 0) + r;
  };
  walk(c.user, c.points, 0);
  if (spends.length === 0) return NO_HOLD;
  // held units are no longer anyone's to be held again by a second dispute
  for (const [user, ts] of [...trails].sort(([a], [b]) => cmp(a, b))) {
    for (const t of ts) {
      if (!t.changed) continue;
      if (t.closed) putClosedTrail(env, books, user, { period: t.period, entries: t.entries });
      else putTrail(env, books, user, { period: t.period, entries: t.entries });
    }
  }
  for (const [to, r] of Object.entries(follow)) {
    const h = books.lots.holder(to);
    if (h !== undefined) books.lots.putHolder(to, { ...h, held: h.held + r });
  }
  if (Object.keys(hold).length > 0) addHolds(env, p, hold, 1);
  return { payables: hold, paid, spends, follow };
}

/** A rejected dispute frees the trail units it held (while their trail is still kept). */
export function freeSpent(env: Env, books: Books, user: string, spends: readonly HeldSpend[]): void {
  const byUser = new Map<string, HeldSpend[]>();
  for (const s of spends) {
    const u = s.user ?? user;
    byUser.set(u, [...(byUser.get(u) ?? []), s]);
  }
  for (const [u, list] of [...byUser].sort(([a], [b]) => cmp(a, b))) {
    const open = trailOf(env, books, u);
    freeTrail(u, open, list, (t) => putTrail(env, books, u, t));
    const closed = closedTrailOf(env, books, u);
    if (closed) freeTrail(u, closed, list, (t) => putClosedTrail(env, books, u, t));
  }
}

function freeTrail(
  user: string,
  t: SpendTrail,
  spends: readonly HeldSpend[],
  put: (t: SpendTrail) => void,
): void {
  const entries = [...t.entries];
  let changed = false;
  for (const s of spends) {
    if (s.period !== t.period) continue;
    const e = entries[s.i];
    if (e === undefined || e.account !== s.account || e.held < s.points) {
      throw new GongzhiError('CHAIN_INVALID', 'a dispute names spending its trail does not hold', {
        user,
        entry: s.i,
      });
    }
    entries[s.i] = { ...e, held: e.held - s.points };
    changed = true;
  }
  if (changed) put({ period: t.period, entries });
}

/** Release the points a dispute held on recipients' holdings (rejected, or after a claw-back). */
export function releaseFollow(books: Books, follow: NumMap): void {
  for (const [to, r] of Object.entries(follow)) {
    const h = books.lots.holder(to);
    if (h === undefined || h.held < r) {
      throw new GongzhiError('CHAIN_INVALID', 'a recipient’s holdings do not match the dispute', {
        user: to,
      });
    }
    books.lots.putHolder(to, { ...h, held: h.held - r });
  }
}

/** A rejected dispute (or the unclaimed rest of an upheld one): the next close pays it. */
export function releasePayables(env: Env, p: Program, hold: NumMap): void {
  if (Object.keys(hold).length > 0) addHolds(env, p, hold, -1);
}

/**
 * An upheld dispute: claw back up to `max` money of the hold from the payables to each sponsor's
 * pool (`payable:<sponsor>:<payee> −m, pool:<sponsor> +m`), release the rest. Returns the money.
 */
export function clawPayables(env: Env, books: Books, hold: NumMap, max: number, ref: string): number {
  const p = books.program;
  releasePayables(env, p, hold);
  let left = max;
  const lines: [string, number][] = [];
  for (const acct of Object.keys(hold).sort(cmp)) {
    const m = Math.min(left, hold[acct] ?? 0);
    if (m <= 0) continue;
    lines.push([acct, m]);
    left -= m;
  }
  if (lines.length === 0) return 0;
  books.journal.begin('clawback-payable', ref);
  for (const [acct, m] of lines) {
    const sponsor = acct.split(':')[1] ?? '';
    books.accounts.post(acct, -m);
    books.accounts.post(`pool:${sponsor}`, m);
  }
  books.journal.end();
  const money = max - left;
  books.aggregates.add('clawedBackPayable', money);
  return money;
}

/**
 * An upheld dispute over money already paid at a close (`paid`, per payable account): book up to
 * `max` of it as owed back by the payee, `paid:<sponsor>:<payee> −m, receivable:<sponsor>:<payee>
 * +m` — one balanced posting set; the next close offsets it against what that pair is paid then
 * (ops-settlement.ts), so the sponsor gets it back. Returns the money booked.
 */
export function bookReceivables(books: Books, paid: NumMap, max: number, ref: string): number {
  let left = max;
  const lines: [string, number][] = [];
  for (const acct of Object.keys(paid).sort(cmp)) {
    // never more than the pair was paid (a payable a freeze kept open was not paid: nothing left)
    const m = Math.min(
      left,
      paid[acct] ?? 0,
      books.accounts.balance(`paid:${acct.slice('payable:'.length)}`),
    );
    if (m <= 0) continue;
    lines.push([acct, m]);
    left -= m;
  }
  if (lines.length === 0) return 0;
  books.journal.begin('receivable', ref);
  for (const [acct, m] of lines) {
    const pair = acct.slice('payable:'.length);
    books.accounts.post(`paid:${pair}`, -m);
    books.accounts.post(`receivable:${pair}`, m);
  }
  books.journal.end();
  const money = max - left;
  books.aggregates.add('receivableBooked', money);
  return money;
}
