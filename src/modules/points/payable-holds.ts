import { GongzhiError } from '../../errors/index.js';
import { moneyOf } from './accounting.js';
import type { Books } from './books.js';
import type { ClaimRecord } from './claim.js';
import type { HeldSpend } from './dispute.js';
import type { Env } from './env.js';
import { keys } from './keys.js';
import { type NumMap, numMapCodec } from './num-map.js';
import { putTrail, type SpendEntry, trailOf } from './spend-trail.js';
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
 * points, in spending order, and a unit once held is held by that dispute only. Points she
 * transferred to another member are not followed (their spending is that member's).
 */

/** What an auditor's dispute holds: money per payable account, and the trail units behind it. */
export interface SpentHold {
  readonly payables: NumMap;
  readonly spends: readonly HeldSpend[];
}

const NO_HOLD: SpentHold = { payables: {}, spends: [] };

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

/**
 * An auditor's dispute of claim `c`: hold the money of the award's spent points on the payables
 * their spending accrued this period (see above). Returns what the dispute holds.
 */
export function holdSpent(env: Env, books: Books, c: ClaimRecord): SpentHold {
  const p = books.program;
  if (p.value === 0) return NO_HOLD;
  const t = trailOf(env, books, c.user);
  const holds = payableHolds(env, p);
  const entries = [...t.entries];
  const hold: Record<string, number> = {};
  const spends: HeldSpend[] = [];
  let want = c.points;
  for (let i = 0; i < entries.length && want > 0; i++) {
    const e = entries[i] as SpendEntry;
    if (e.ts !== c.ts || e.height !== c.height) continue;
    // what is still open on the account and held by no dispute (this one included)
    const open = books.accounts.balance(e.account) - (holds[e.account] ?? 0) - (hold[e.account] ?? 0);
    const m = Math.min(want, e.points - e.held, Math.floor(Math.max(0, open) / p.value));
    if (m <= 0) continue;
    entries[i] = { ...e, held: e.held + m };
    hold[e.account] = (hold[e.account] ?? 0) + moneyOf(p, m);
    spends.push({ period: t.period, i, op: e.op, account: e.account, points: m, tx: e.tx });
    want -= m;
  }
  if (spends.length === 0) return NO_HOLD;
  // held units are no longer hers to be held again by a second dispute
  putTrail(env, books, c.user, { period: t.period, entries });
  addHolds(env, p, hold, 1);
  return { payables: hold, spends };
}

/** A rejected dispute frees the trail units it held (while their period is still open). */
export function freeSpent(env: Env, books: Books, user: string, spends: readonly HeldSpend[]): void {
  if (spends.length === 0) return;
  const t = trailOf(env, books, user);
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
  if (changed) putTrail(env, books, user, { period: t.period, entries });
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
