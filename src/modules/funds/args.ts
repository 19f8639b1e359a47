import { GongzhiError } from '../../errors/index.js';
import { S } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import { LIMITS } from './record.js';

/** Custodian references: the bank's own id of a movement (letters, digits, `-_./:`). */
export const REFERENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

export function readReference(r: ShapeReader, field = 'reference'): string {
  return r.match(
    field,
    REFERENCE_PATTERN,
    'a custodian reference ([A-Za-z0-9._:/-], ≤ 64)',
    LIMITS.reference,
  );
}

/** A positive amount in minor units (fen). */
export function readAmount(r: ShapeReader, field = 'amount'): number {
  const v = r.uint(field);
  return v > 0 ? v : r.fail(field, 'a positive amount in minor units');
}

/** A 1-based record id. */
export function readSerial(r: ShapeReader, field: string): number {
  const v = r.uint(field);
  return v >= 1 ? v : r.fail(field, 'an id (1 or more)');
}

/** Sum of safe integers that stays safe (FUNDS_UNBALANCED otherwise: no fund holds 2^53 fen). */
export function safeAdd(a: number, b: number): number {
  const s = a + b;
  if (!Number.isSafeInteger(s)) throw new GongzhiError('FUNDS_UNBALANCED', 'amount overflow', { a, b });
  return s;
}

export const schemas = {
  fund: S.Id('fund id'),
  amount: S.Integer({ minimum: 1, description: 'amount in minor units (fen)' }),
  reference: S.String({ pattern: REFERENCE_PATTERN.source, description: 'the custodian’s reference' }),
  reason: S.String({ minLength: 1, maxLength: LIMITS.reason, description: 'public reason' }),
  serial: S.Integer({ minimum: 1 }),
  digest: S.Hex(32),
};
