import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type Codec, defineCodec } from '../../execution/index.js';
import { accountClassOf, add, classOf, isMoneyClass } from './accounting.js';
import type { PendingState } from './effects.js';
import { keys } from './keys.js';
import type { PeriodAggregates } from './period-aggregates.js';
import type { Totals } from './totals.js';

/** One balanced posting set as journaled (`journal/<program>/<n>`). */
export interface JournalEntry {
  readonly n: number;
  readonly op: string;
  readonly ref: string;
  readonly period: number;
  readonly height: number;
  readonly ts: number;
  readonly tx: Uint8Array;
  /** [account, signed amount]; the amounts of each unit (points, money) sum to zero. */
  readonly entries: readonly (readonly [string, number])[];
}

/** Longest account name: `payable:<address>:<address>`. */
const MAX_ACCOUNT_NAME = 300;
/** Most lines of one posting set (a period close moves every payable pair of a program). */
const MAX_LINES = 1_000_000;

function readLine(v: CborValue, at: string): readonly [string, number] {
  if (
    !Array.isArray(v) ||
    v.length !== 2 ||
    typeof v[0] !== 'string' ||
    v[0].length === 0 ||
    v[0].length > MAX_ACCOUNT_NAME ||
    accountClassOf(v[0]) === undefined ||
    typeof v[1] !== 'number' ||
    !Number.isSafeInteger(v[1]) ||
    v[1] === 0
  ) {
    throw new GongzhiError('CHAIN_INVALID', `${at} must be [account, non-zero amount]`, { field: at });
  }
  return [v[0], v[1]];
}

/** The one codec of a journal entry (the lines are stored under `e`). */
export const journalCodec: Codec<JournalEntry> = defineCodec<JournalEntry>(
  'journal entry',
  ['n', 'op', 'ref', 'period', 'height', 'ts', 'tx', 'e'],
  (j) => ({
    n: j.n,
    op: j.op,
    ref: j.ref,
    period: j.period,
    height: j.height,
    ts: j.ts,
    tx: j.tx,
    e: j.entries.map(([a, d]) => [a, d]),
  }),
  (r) => ({
    n: r.uint('n'),
    op: r.str('op', 32),
    ref: r.str('ref', 512, 0),
    period: r.uint('period'),
    height: r.uint('height'),
    ts: r.uint('ts'),
    tx: r.digest('tx'),
    entries: r.list('e', MAX_LINES, readLine),
  }),
);

/**
 * Part of the books: posting sets. Every movement is a posting set (`begin` … `end`) whose point
 * amounts and money amounts each sum to zero; closing one updates the class totals and the period
 * aggregate and journals it. Nothing reaches state before `flush`.
 */
export class Journal {
  private readonly entries: JournalEntry[] = [];
  private cur: { op: string; ref: string; lines: Map<string, number> } | undefined;

  constructor(
    private readonly store: PendingState,
    private readonly program: string,
    private readonly period: number,
    private readonly totals: Totals,
    private readonly aggregates: PeriodAggregates,
  ) {}

  begin(op: string, ref = ''): void {
    if (this.cur) throw new GongzhiError('EXEC_INTERNAL', 'nested posting set', { op });
    this.cur = { op, ref, lines: new Map() };
  }

  /** Add `delta` to `account` in the open posting set. */
  post(account: string, delta: number): void {
    if (!this.cur) throw new GongzhiError('EXEC_INTERNAL', 'posting outside a posting set', { account });
    if (delta === 0) return;
    classOf(account);
    this.cur.lines.set(account, add(this.cur.lines.get(account) ?? 0, delta));
  }

  /** Close the posting set: both units must sum to zero (else EXEC_INTERNAL: a bug, nothing is written). */
  end(): void {
    const cur = this.cur;
    if (!cur) throw new GongzhiError('EXEC_INTERNAL', 'no open posting set');
    this.cur = undefined;
    const lines = [...cur.lines].filter(([, d]) => d !== 0);
    if (lines.length === 0) return;
    let points = 0;
    let money = 0;
    for (const [account, d] of lines) {
      const c = classOf(account);
      if (isMoneyClass(c)) money += d;
      else points += d;
      this.totals.bump(c, d);
    }
    if (points !== 0 || money !== 0) {
      throw new GongzhiError('EXEC_INTERNAL', 'unbalanced posting set', { op: cur.op, points, money });
    }
    this.entries.push({
      n: this.totals.get('journal'),
      op: cur.op,
      ref: cur.ref,
      period: this.period,
      height: this.store.height,
      ts: this.store.ts,
      tx: this.store.ctx.txHash,
      entries: lines,
    });
    this.totals.bump('journal', 1);
    this.aggregates.add('postings', 1);
    this.aggregates.add('lines', lines.length);
  }

  /** A posting set left open is a bug (EXEC_INTERNAL): nothing is written. */
  assertClosed(): void {
    if (this.cur) throw new GongzhiError('EXEC_INTERNAL', 'flush with an open posting set');
  }

  /** Write the posting sets of this operation. */
  flush(): void {
    this.assertClosed();
    for (const j of this.entries) this.store.write(keys.journal(this.program, j.n), journalCodec, j);
  }
}
