import { GongzhiError } from '../../errors/index.js';
import type { PendingState } from './effects.js';
import { keys } from './keys.js';
import { numMapCodec } from './num-map.js';
import { DAY_MS, MAX_CLAIM_DAYS, MINUTE_MS, type Program, type Rule } from './types.js';

/** The local day (days since the epoch in the program's time zone) of a block-time instant. */
export function localDay(p: Program, ts: number): number {
  return Math.floor((ts + p.utcOffsetMin * MINUTE_MS) / DAY_MS);
}

/** UTC ms at which local day `d` starts. */
export function localDayStart(p: Program, d: number): number {
  return d * DAY_MS - p.utcOffsetMin * MINUTE_MS;
}

/** One local day's share of a claim. */
interface DayShare {
  readonly day: number;
  readonly ms: number;
  readonly quantity: number;
}

/**
 * Split a claimed period over the local days it touches: each day gets the time that falls in it
 * and ⌊quantity × time / period⌋, the last day the rounding remainder (so the shares sum to the
 * quantity exactly, in integers).
 */
export function splitByLocalDay(p: Program, start: number, end: number, quantity: number): DayShare[] {
  const first = localDay(p, start);
  const last = localDay(p, end - 1);
  if (last - first + 1 > MAX_CLAIM_DAYS) {
    throw new GongzhiError('POINTS_IMPLAUSIBLE_CLAIM', `a claim spans at most ${MAX_CLAIM_DAYS} local days`, {
      periodStart: start,
      periodEnd: end,
    });
  }
  const span = BigInt(end - start);
  const out: DayShare[] = [];
  let given = 0;
  for (let d = first; d <= last; d++) {
    const from = Math.max(start, localDayStart(p, d));
    const to = Math.min(end, localDayStart(p, d + 1));
    const q = d === last ? quantity - given : Number((BigInt(quantity) * BigInt(to - from)) / span);
    given += q;
    out.push({ day: d, ms: to - from, quantity: q });
  }
  return out;
}

/**
 * The per-device day ledger (`dayuse/<program>/<device>/<member>/<local day>`, a number map: `ms`
 * of claimed time over every activity kind, `q:<kind>` quantity of each kind). A claim is added
 * day by day: a device's day holds at most 24 h of claimed time for one member, and each kind at
 * most the rule's `maxPerDay` — cumulatively, so splitting a day into many short claims gains
 * nothing. POINTS_IMPLAUSIBLE_CLAIM otherwise.
 */
export function addDayUse(
  store: PendingState,
  p: Program,
  rule: Rule,
  claim: {
    readonly deviceHex: string;
    readonly user: string;
    readonly periodStart: number;
    readonly periodEnd: number;
    readonly quantity: number;
  },
): void {
  for (const s of splitByLocalDay(p, claim.periodStart, claim.periodEnd, claim.quantity)) {
    const key = keys.dayUse(p.id, claim.deviceHex, claim.user, s.day);
    const used = store.read(key, numMapCodec) ?? {};
    const ms = (used.ms ?? 0) + s.ms;
    const q = (used[`q:${rule.kind}`] ?? 0) + s.quantity;
    const details = {
      kind: rule.kind,
      localDay: s.day,
      claimedMs: ms,
      quantity: q,
      maxPerDay: rule.maxPerDay,
    };
    if (ms > DAY_MS) {
      throw new GongzhiError(
        'POINTS_IMPLAUSIBLE_CLAIM',
        'a device’s local day holds at most 24 h of claims',
        details,
      );
    }
    if (rule.maxPerDay > 0 && q > rule.maxPerDay) {
      throw new GongzhiError(
        'POINTS_IMPLAUSIBLE_CLAIM',
        'this device’s claims of the kind exceed its daily limit (local day, cumulative)',
        details,
      );
    }
    store.write(key, numMapCodec, { ...used, ms, [`q:${rule.kind}`]: q });
  }
}
