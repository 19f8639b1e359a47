import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { Books } from './books.js';
import type { ClaimRecord } from './claim.js';
import type { NumMap } from './num-map.js';
import type { Holder, Lot } from './types.js';

/** What one claw-back did (the decision record keeps it). */
export interface ClawbackResult {
  readonly fromBalance: number;
  /** Taken from recipients of the award's transferred units (the dispute's `follow`). */
  readonly fromFollowed: number;
  readonly owed: number;
  readonly money: number;
  readonly reductionG: number;
}

/**
 * Claw back `amount` points of an upheld claim from its member, in one balanced posting set:
 * `user:<member> −amount, clawback +amount`. What she still holds is taken — the claim's own lots
 * first (issued in its block), then the oldest — and its backing returns from each sponsor's
 * reserve to its pool, so the sponsor's liability falls with the points; what she already spent
 * (the platform was paid, rightly: it gave the goods) is recorded as `owed` on her holdings, the
 * balance going below zero only with that record; points she receives later repay it first, and
 * their backing is released then (Lots.give). `release` is the hold the dispute had placed.
 * Expired lots are swept first (breakage by its policy), so nothing expired is clawed back.
 * `follow` (the dispute's holds on recipients of the award's transferred units) is taken first,
 * from each recipient's lots of the claim's stamp then her oldest; what a recipient spent or no
 * longer has stays owed by the member (she passed the fraudulent points on).
 */
export function clawBack(
  books: Books,
  c: ClaimRecord,
  amount: number,
  release: number,
  follow: NumMap = {},
): ClawbackResult {
  const lots = books.lots;
  const recipients = Object.keys(follow).sort(cmp);
  for (const to of [c.user, ...recipients]) lots.sweep(to);
  const h = lots.holder(c.user);
  if (h === undefined || h.held < release) {
    throw new GongzhiError('CHAIN_INVALID', 'the disputed member’s holdings do not match the dispute', {
      program: books.id,
      user: c.user,
    });
  }
  const own = (l: Lot) => l.ts === c.ts && l.height === c.height;
  let left = amount;
  const pieces: Lot[] = [];
  // the award's units she transferred and the dispute held where they went come back first
  const moved: [string, Holder, number][] = [];
  for (const to of recipients) {
    const r = follow[to] ?? 0;
    const rh = lots.holder(to);
    if (rh === undefined || rh.held < r) {
      throw new GongzhiError('CHAIN_INVALID', 'a recipient’s holdings do not match the dispute', {
        program: books.id,
        user: to,
      });
    }
    const t = takeOwnFirst(rh, Math.min(r, left), own);
    pieces.push(...t.pieces);
    left -= t.taken;
    moved.push([to, { ...rh, lots: t.keep, held: rh.held - r }, t.taken]);
  }
  const fromFollowed = amount - left;
  const mine = takeOwnFirst(h, left, own);
  pieces.push(...mine.pieces);
  const fromBalance = mine.taken;
  left -= mine.taken;
  books.journal.begin('clawback', toHex(c.id));
  for (const [to, rh, n] of moved) {
    lots.putHolder(to, rh);
    books.journal.post(`user:${to}`, -n);
  }
  lots.putHolder(c.user, { ...h, lots: mine.keep, owed: h.owed + left, held: h.held - release });
  books.journal.post(`user:${c.user}`, -(amount - fromFollowed));
  books.accounts.post('clawback', amount);
  const money = books.accounts.releaseBacking(
    pieces.filter((l) => l.sponsor !== ''),
    (s) => `pool:${s}`,
    false,
  );
  books.journal.end();
  if (left > 0) books.totals.bump('owed', left);
  const reductionG = c.points === 0 ? 0 : Number((BigInt(c.reductionG) * BigInt(amount)) / BigInt(c.points));
  const agg = books.aggregates;
  agg.add('clawedBack', amount);
  agg.add('clawedBackG', reductionG);
  agg.add('clawedBackMoney', money);
  agg.add('clawDebt', left);
  agg.addForDistributor(c.distributor, 'clawedBack', amount);
  agg.addForArea(h.area, 'clawedBack', amount);
  agg.addForArea(h.area, 'clawedBackG', reductionG);
  return { fromBalance, fromFollowed, owed: left, money, reductionG };
}

/** Take up to `amount` from a holder's lots: those of the claim's stamp first, then the oldest. */
function takeOwnFirst(
  h: Holder,
  amount: number,
  own: (l: Lot) => boolean,
): { pieces: Lot[]; keep: Lot[]; taken: number } {
  const order = [...h.lots.filter(own), ...h.lots.filter((l) => !own(l))];
  const pieces: Lot[] = [];
  let left = amount;
  const taken = new Map<Lot, number>();
  for (const l of order) {
    if (left === 0) break;
    const n = Math.min(left, l.amount);
    pieces.push({ ...l, amount: n });
    taken.set(l, n);
    left -= n;
  }
  // what stays: each lot less what was taken from it, in the original (issue) order
  const keep = h.lots
    .map((l) => ({ ...l, amount: l.amount - (taken.get(l) ?? 0) }))
    .filter((l) => l.amount > 0);
  return { pieces, keep, taken: amount - left };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
