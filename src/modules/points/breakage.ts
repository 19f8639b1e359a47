import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type Codec, defineCodec } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import type { PendingState } from './effects.js';
import { keys } from './keys.js';
import type { PeriodAggregates } from './period-aggregates.js';
import type { PlainAccounts } from './plain-accounts.js';
import { ADDR_RE, ID_RE, type Lot, type Program } from './types.js';

/**
 * Breakage — what becomes of points that expire unredeemed (item 14). A program's policy is a
 * schedule kept in state (`brk/<program>`): each entry applies to the lots **issued** at or after
 * its block height, so the fate of a lot is fixed when it is issued — the sponsor that backs it and
 * the member who holds it know it then, and a later change never reaches points already out.
 *
 * - `sponsor` (the default, and the only policy before any entry): the points go to `expired`, their
 *   backing returns from the sponsor's reserve to its pool;
 * - `cause`: the points go to a cause of the program (`donated:<cause>`): a pot cause keeps them for
 *   its steward to re-grant (programs without money); a paid cause is paid their value by the
 *   sponsor (`payable:<sponsor>:<beneficiary>`, settled at the next close), as a donation is;
 * - `scheme`: the points go to `expired` and the sponsor owes their value to the scheme — the
 *   issuer (`payable:<sponsor>:<issuer>`); without money it is `sponsor`.
 *
 * Breakage is recorded in the period in which the lots are swept (by `expire` or the holder's next
 * spend), with the destination in the period aggregate.
 */
export type BreakagePolicy = 'sponsor' | 'cause' | 'scheme';
export const BREAKAGE_POLICIES: readonly BreakagePolicy[] = ['sponsor', 'cause', 'scheme'];

export interface BreakageEntry {
  /** The first issue height the entry applies to. */
  readonly from: number;
  readonly policy: BreakagePolicy;
  /** The cause for `cause` ("" otherwise). */
  readonly cause: string;
  readonly by: string;
  /** Block height of the `setBreakage` that recorded it. */
  readonly at: number;
}

export interface BreakageSchedule {
  readonly entries: readonly BreakageEntry[];
}

/** Most entries of one schedule. */
export const MAX_BREAKAGE_ENTRIES = 32;

function readEntry(r: ShapeReader, v: CborValue, at: string): BreakageEntry {
  const e = r.sub(v, at, ['from', 'policy', 'cause', 'by', 'at']);
  const policy = e.oneOf('policy', BREAKAGE_POLICIES);
  const cause = e.has('cause') ? e.match('cause', ID_RE, 'a cause id', 48) : '';
  if ((policy === 'cause') !== (cause !== '')) e.fail('cause', 'present exactly for the cause policy');
  return {
    from: e.uint('from'),
    policy,
    cause,
    by: e.match('by', ADDR_RE, 'an account address', 128),
    at: e.uint('at'),
  };
}

/** The one codec of a breakage schedule (`brk/<program>`). */
export const breakageCodec: Codec<BreakageSchedule> = defineCodec<BreakageSchedule>(
  'breakage schedule',
  ['entries'],
  (s) => ({
    entries: s.entries.map((e) => ({
      from: e.from,
      policy: e.policy,
      ...(e.cause === '' ? {} : { cause: e.cause }),
      by: e.by,
      at: e.at,
    })),
  }),
  (r) => {
    const entries = r.list('entries', MAX_BREAKAGE_ENTRIES, (v, at) => readEntry(r, v, at));
    for (let i = 1; i < entries.length; i++) {
      if ((entries[i] as BreakageEntry).from <= (entries[i - 1] as BreakageEntry).from) {
        r.fail('entries', 'entries in strictly increasing order of height');
      }
    }
    return { entries };
  },
);

const DEFAULT_ENTRY: BreakageEntry = { from: 0, policy: 'sponsor', cause: '', by: '', at: 0 };

/** The program's schedule (absent: the default policy for every lot). */
export function breakageSchedule(store: PendingState, program: string): BreakageSchedule {
  return store.read(keys.breakage(program), breakageCodec) ?? { entries: [] };
}

/** The entry in force for a lot issued at `height`. */
export function breakageFor(s: BreakageSchedule, height: number): BreakageEntry {
  let e = DEFAULT_ENTRY;
  for (const x of s.entries) if (x.from <= height) e = x;
  return e;
}

/**
 * Post the breakage of expired lots inside the open posting set, each lot by the policy of its
 * issue height, one group per policy entry; returns the money moved. The default group posts
 * exactly what sweeps always posted (`expired`, then the backing back to each sponsor's pool, in
 * sponsor order), so programs without a schedule keep their journal and state bytes. A frozen
 * sponsor or payee does not stop a sweep: a payable accrues and the next close holds it until the
 * supervisor unfreezes (as for redemptions).
 */
export function postBreakage(
  store: PendingState,
  p: Program,
  accounts: PlainAccounts,
  aggregates: PeriodAggregates,
  gone: readonly Lot[],
): number {
  const schedule = breakageSchedule(store, p.id);
  const groups = new Map<BreakageEntry, Lot[]>();
  for (const l of gone) {
    const e = breakageFor(schedule, l.height);
    const g = groups.get(e);
    if (g) g.push(l);
    else groups.set(e, [l]);
  }
  let money = 0;
  for (const [e, lots] of groups) {
    const points = lots.reduce((s, l) => s + l.amount, 0);
    const cause = e.policy === 'cause' ? p.causes.find((c) => c.id === e.cause) : undefined;
    if (e.policy === 'cause' && cause === undefined) {
      throw new GongzhiError('CHAIN_INVALID', 'breakage names a cause the program does not have', {
        program: p.id,
        cause: e.cause,
      });
    }
    accounts.post(cause ? `donated:${cause.id}` : 'expired', points);
    money += accounts.releaseBacking(
      lots,
      (s) =>
        cause && !cause.pot
          ? `payable:${s}:${cause.beneficiary}`
          : e.policy === 'scheme'
            ? `payable:${s}:${p.issuer}`
            : `pool:${s}`,
      false,
    );
    if (cause) aggregates.add('breakageToCause', points);
    else if (e.policy === 'scheme') aggregates.add('breakageToScheme', points);
  }
  return money;
}
