import { type Codec, defineCodec, readStored, writeStored } from '../../execution/index.js';
import type { StateOverlay, StateReader } from '../../state/index.js';
import { type At, atValue, keys, LIMITS, readAt, readCount, writeCount } from './record.js';

/**
 * The fund's public supervision log: every freeze and unfreeze (with its reason), every
 * emergency fast-track approval and every applied rule amendment. Append-only; residents read it
 * through the `log` query.
 */
export const LOG_KINDS = ['freeze', 'unfreeze', 'emergency', 'amendment'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

export interface LogItem {
  readonly kind: LogKind;
  readonly reason: string;
  readonly by: string;
  readonly at: At;
  readonly expense?: number;
  readonly amount?: number;
  readonly amendment?: number;
}

export const logCodec: Codec<LogItem> = defineCodec<LogItem>(
  'supervision log item',
  ['kind', 'reason', 'by', 'at', 'expense', 'amount', 'amendment'],
  (l) => ({
    kind: l.kind,
    reason: l.reason,
    by: l.by,
    at: atValue(l.at),
    ...(l.expense === undefined ? {} : { expense: l.expense }),
    ...(l.amount === undefined ? {} : { amount: l.amount }),
    ...(l.amendment === undefined ? {} : { amendment: l.amendment }),
  }),
  (r) => ({
    kind: r.oneOf('kind', LOG_KINDS),
    reason: r.str('reason', LIMITS.reason),
    by: r.str('by', LIMITS.account),
    at: readAt(r, 'at'),
    ...(r.has('expense') ? { expense: r.uint('expense') } : {}),
    ...(r.has('amount') ? { amount: r.uint('amount') } : {}),
    ...(r.has('amendment') ? { amendment: r.uint('amendment') } : {}),
  }),
);

export function appendLog(state: StateOverlay, fund: string, item: LogItem): number {
  const n = readCount(state, keys.logCount(fund)) + 1;
  writeStored(state, keys.logAt(fund, n), logCodec, item);
  writeCount(state, keys.logCount(fund), n);
  return n;
}

export function readLog(state: StateReader, fund: string): LogItem[] {
  const n = readCount(state, keys.logCount(fund));
  const out: LogItem[] = [];
  for (let i = 1; i <= n; i++) {
    const l = readStored(state, keys.logAt(fund, i), logCodec);
    if (l !== undefined) out.push(l);
  }
  return out;
}
