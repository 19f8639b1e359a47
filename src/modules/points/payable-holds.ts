import { GongzhiError } from '../../errors/index.js';
import { type Codec, defineCodec } from '../../execution/index.js';
import { moneyOf } from './accounting.js';
import type { Books } from './books.js';
import type { Env } from './env.js';
import { holderBalance } from './holder.js';
import { keys } from './keys.js';
import { type NumMap, numMapCodec } from './num-map.js';
import type { Holder, Program } from './types.js';

/**
 * Holding the payables of a disputed award (item 14, "a hold on the affected settlement"). When a
 * member spends points, their backing leaves the sponsor's reserve for `payable:<sponsor>:<payee>`,
 * paid at the next close. If the award behind them is fraudulent, paying that out would make the
 * sponsor fund it after all. So:
 * - each spending of a member records, per payable account, the money it made payable in the open
 *   period (`mpay/<program>/<member>`, one record overwritten each period — older payables were
 *   settled at a close already);
 * - an auditor's dispute holds, from those, up to the value of the part of the award she has
 *   already spent (what her unheld balance no longer covers); the dispute keeps what it holds, the
 *   program the sum per payable account (`phold/<program>`), and `closePeriod` settles a held
 *   payable less its hold, keeping the rest open;
 * - a rejected dispute releases the hold (the next close pays it); an upheld one claws the held
 *   money back from the payable to the sponsor's pool, one balanced posting set, for at most the
 *   value of what was clawed back as owed. Like a card chargeback, the payee does not collect for
 *   a fraudulent award; the member still owes the points.
 * Her spending is fungible (oldest lots first), so the hold is her payables of the period, up to the
 * award's spent value — never another member's.
 */

/** What a member's spending made payable in period `period` (money per payable account). */
export interface SpentPayables {
  readonly period: number;
  readonly pay: NumMap;
}

export const spentPayablesCodec: Codec<SpentPayables> = defineCodec<SpentPayables>(
  'spent payables',
  ['period', 'pay'],
  (x) => ({ period: x.period, pay: numMapCodec.encode(x.pay) }),
  (r) => ({ period: r.uint('period'), pay: numMapCodec.decode(r.raw('pay')) }),
);

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Record what `member`'s spending just made payable (`paid`: money per payable account). */
export function recordSpent(env: Env, books: Books, member: string, paid: ReadonlyMap<string, number>): void {
  if (paid.size === 0) return;
  const key = keys.spentPayables(books.id, member);
  const period = books.aggregates.period;
  const old = env.read(key, spentPayablesCodec);
  const pay: Record<string, number> = old?.period === period ? { ...old.pay } : {};
  for (const [acct, m] of paid) pay[acct] = (pay[acct] ?? 0) + m;
  env.write(key, spentPayablesCodec, { period, pay });
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

/**
 * An auditor's dispute of an award of `points` to `user` (holdings `h`, before this dispute's own
 * point hold): hold her open payables up to the value of the part already spent. Returns the hold.
 */
export function holdPayables(env: Env, books: Books, user: string, h: Holder, points: number): NumMap {
  const p = books.program;
  if (p.value === 0) return {};
  const cover = Math.max(0, holderBalance(h) - h.held);
  const spent = Math.max(0, points - cover);
  if (spent === 0) return {};
  const key = keys.spentPayables(p.id, user);
  const rec = env.read(key, spentPayablesCodec);
  if (rec === undefined || rec.period !== books.aggregates.period) return {};
  const holds = payableHolds(env, p);
  let want = moneyOf(p, spent);
  const hold: Record<string, number> = {};
  const left: Record<string, number> = { ...rec.pay };
  for (const acct of Object.keys(rec.pay).sort(cmp)) {
    if (want === 0) break;
    // what is still open on the account and not held by another dispute
    const open = books.accounts.balance(acct) - (holds[acct] ?? 0);
    const m = Math.min(want, rec.pay[acct] ?? 0, Math.max(0, open));
    if (m <= 0) continue;
    hold[acct] = m;
    left[acct] = (left[acct] ?? 0) - m;
    want -= m;
  }
  if (Object.keys(hold).length === 0) return {};
  // held money is no longer hers to be held again by a second dispute
  env.write(key, spentPayablesCodec, { period: rec.period, pay: left });
  addHolds(env, p, hold, 1);
  return hold;
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
