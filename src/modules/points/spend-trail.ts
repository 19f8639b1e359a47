import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type Codec, defineCodec } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import type { Books } from './books.js';
import type { Env } from './env.js';
import { keys } from './keys.js';
import type { Lot } from './types.js';

/**
 * Where a member's points went when she spent them (issue 17: a dispute holds the exact
 * spending of the disputed award, not any payable of hers). Lots keep their issue stamp (ts,
 * height) through `take` (lots.ts, oldest first), so each spending knows which award's lots it
 * consumed. `mspend/<program>/<member>` keeps, for the open period, one entry per (issue stamp,
 * operation, payable account): the points of that stamp the operation made payable there, how
 * many of them a dispute holds, the first transaction and how many spendings it sums. Older
 * periods were settled at a close (a paid payable is not reopened), so the record is replaced when
 * a new period's first spending comes.
 *
 * A transfer to another member is an entry too (op `transfer`, account `user:<recipient>`): the
 * lots move with their stamps (take → give), so a dispute follows the award's units from here into
 * the recipient's holdings and her own trail (payable-holds.ts).
 */
export type SpendOp = 'redeem' | 'donate' | 'cashout' | 'convert' | 'transfer';
export const SPEND_OPS: readonly SpendOp[] = ['redeem', 'donate', 'cashout', 'convert', 'transfer'];

export interface SpendEntry {
  /** Issue stamp of the lot the points came from (an award's lots carry its claim's ts, height). */
  readonly ts: number;
  readonly height: number;
  readonly op: SpendOp;
  /** The payable account the points' backing went to (`payable:<sponsor>:<payee>`), or `user:<to>` for a transfer. */
  readonly account: string;
  readonly points: number;
  /** Of `points`, held by open (or upheld) disputes: never more than `points`. */
  readonly held: number;
  /** The first transaction of this entry, and how many spendings it sums. */
  readonly tx: Uint8Array;
  readonly n: number;
}

export interface SpendTrail {
  readonly period: number;
  readonly entries: readonly SpendEntry[];
}

/** Most entries of one member's trail in one period (one per stamp × operation × payee). */
export const MAX_TRAIL_ENTRIES = 4096;

const PAYABLE_RE = /^payable:[A-Za-z0-9_-]{0,128}:[A-Za-z0-9_-]{1,128}$/;
const RECIPIENT_RE = /^user:[A-Za-z0-9_-]{1,128}$/;

/** The recipient a transfer entry names (`user:<to>`), or undefined for a spending. */
export function recipientOf(e: Pick<SpendEntry, 'op' | 'account'>): string | undefined {
  return e.op === 'transfer' ? e.account.slice('user:'.length) : undefined;
}

function readEntry(r: ShapeReader, v: CborValue, at: string): SpendEntry {
  const e = r.sub(v, at, ['ts', 'height', 'op', 'account', 'points', 'held', 'tx', 'n']);
  const points = e.uint('points');
  const held = e.uint('held');
  if (points === 0) e.fail('points', 'a positive integer');
  if (held > points) e.fail('held', 'at most points');
  const n = e.uint('n');
  if (n === 0) e.fail('n', 'a positive integer');
  const op = e.oneOf('op', SPEND_OPS);
  return {
    ts: e.uint('ts'),
    height: e.uint('height'),
    op,
    account:
      op === 'transfer'
        ? e.match('account', RECIPIENT_RE, 'user:<recipient>', 300)
        : e.match('account', PAYABLE_RE, 'a payable account', 300),
    points,
    held,
    tx: e.bytes('tx', undefined, 64),
    n,
  };
}

export const spendTrailCodec: Codec<SpendTrail> = defineCodec<SpendTrail>(
  'spend trail',
  ['period', 'entries'],
  (t) => ({
    period: t.period,
    entries: t.entries.map((e) => ({
      ts: e.ts,
      height: e.height,
      op: e.op,
      account: e.account,
      points: e.points,
      held: e.held,
      tx: e.tx,
      n: e.n,
    })),
  }),
  (r) => ({
    period: r.uint('period'),
    entries: r.list('entries', MAX_TRAIL_ENTRIES, (v, at) => readEntry(r, v, at)),
  }),
);

/** The member's trail of the open period (an older period's, or none: empty). */
export function trailOf(env: Env, books: Books, member: string): SpendTrail {
  const period = books.aggregates.period;
  const t = env.read(keys.spendTrail(books.id, member), spendTrailCodec);
  return t?.period === period ? t : { period, entries: [] };
}

export function putTrail(env: Env, books: Books, member: string, t: SpendTrail): void {
  env.write(keys.spendTrail(books.id, member), spendTrailCodec, t);
}

/**
 * The member's trail of her last closed spending period (its payables were settled at that close:
 * a dispute of it books a receivable, payable-holds.ts), or undefined. It is the stored trail
 * while she has not spent in the open period, then the copy `recordSpend` kept.
 */
export function closedTrailOf(env: Env, books: Books, member: string): SpendTrail | undefined {
  const period = books.aggregates.period;
  const t = env.read(keys.spendTrail(books.id, member), spendTrailCodec);
  if (t !== undefined && t.period !== period) return t.entries.length === 0 ? undefined : t;
  const c = env.read(keys.spendTrailClosed(books.id, member), spendTrailCodec);
  return c !== undefined && c.period !== period ? c : undefined;
}

/** Write back a closed trail where `closedTrailOf` found it. */
export function putClosedTrail(env: Env, books: Books, member: string, t: SpendTrail): void {
  const main = env.read(keys.spendTrail(books.id, member), spendTrailCodec);
  const key =
    main?.period === t.period ? keys.spendTrail(books.id, member) : keys.spendTrailClosed(books.id, member);
  env.write(key, spendTrailCodec, t);
}

/**
 * Record what `member`'s spending `op` took (`pieces`, from `lots.take`) and where each piece's
 * backing went (`to(sponsor)`, the same mapping `releaseBacking` used). Programs without money
 * value make nothing payable: nothing to record.
 */
export function recordSpend(
  env: Env,
  books: Books,
  member: string,
  op: SpendOp,
  pieces: readonly Lot[],
  to: (sponsor: string) => string,
): void {
  if (books.program.value === 0 || pieces.length === 0) return;
  const stored = env.read(keys.spendTrail(books.id, member), spendTrailCodec);
  // a new period's first spending: the closed period's trail is kept (a later dispute of it
  // reaches money already paid, as a receivable)
  if (stored !== undefined && stored.period !== books.aggregates.period && stored.entries.length > 0) {
    env.write(keys.spendTrailClosed(books.id, member), spendTrailCodec, stored);
  }
  const t = trailOf(env, books, member);
  const entries = [...t.entries];
  for (const l of pieces) {
    const account = to(l.sponsor);
    const i = entries.findIndex(
      (e) => e.ts === l.ts && e.height === l.height && e.op === op && e.account === account,
    );
    const e = entries[i];
    if (e !== undefined) entries[i] = { ...e, points: e.points + l.amount, n: e.n + 1 };
    else {
      if (entries.length >= MAX_TRAIL_ENTRIES) {
        throw new GongzhiError(
          'POINTS_LIMIT',
          `at most ${MAX_TRAIL_ENTRIES} spending entries per member per period`,
          {
            program: books.program.id,
            account: member,
          },
        );
      }
      entries.push({
        ts: l.ts,
        height: l.height,
        op,
        account,
        points: l.amount,
        held: 0,
        tx: env.ctx.txHash,
        n: 1,
      });
    }
  }
  putTrail(env, books, member, { period: t.period, entries });
}
