import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { Books } from './books.js';
import type { ClaimRecord } from './claim.js';
import type { Lot } from './types.js';

/** What one claw-back did (the decision record keeps it). */
export interface ClawbackResult {
  readonly fromBalance: number;
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
 */
export function clawBack(books: Books, c: ClaimRecord, amount: number, release: number): ClawbackResult {
  const lots = books.lots;
  lots.sweep(c.user);
  const h = lots.holder(c.user);
  if (h === undefined || h.held < release) {
    throw new GongzhiError('CHAIN_INVALID', 'the disputed member’s holdings do not match the dispute', {
      program: books.id,
      user: c.user,
    });
  }
  const own = (l: Lot) => l.ts === c.ts && l.height === c.height;
  const order = [...h.lots.filter(own), ...h.lots.filter((l) => !own(l))];
  const pieces: Lot[] = [];
  let left = amount;
  for (const l of order) {
    if (left === 0) break;
    const n = Math.min(left, l.amount);
    pieces.push({ ...l, amount: n });
    left -= n;
  }
  // what stays: each lot less what was taken from it, in the original (issue) order
  const taken = new Map<Lot, number>();
  order.forEach((l, i) => {
    taken.set(l, pieces[i]?.amount ?? 0);
  });
  const keep = h.lots
    .map((l) => ({ ...l, amount: l.amount - (taken.get(l) ?? 0) }))
    .filter((l) => l.amount > 0);
  const fromBalance = amount - left;
  books.journal.begin('clawback', toHex(c.id));
  lots.putHolder(c.user, { ...h, lots: keep, owed: h.owed + left, held: h.held - release });
  books.journal.post(`user:${c.user}`, -amount);
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
  return { fromBalance, owed: left, money, reductionG };
}
