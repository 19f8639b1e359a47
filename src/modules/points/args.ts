import { S } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import { ADDR_RE, ID_RE, MAX_AMOUNT } from './types.js';

/**
 * The points-specific argument readers, on the shared ShapeReader (EXEC_BAD_ARGS naming the
 * field): ids are at most 48 characters, addresses are the suites' address strings, amounts are
 * positive and bounded.
 */

/** An id of a program, item, cause, kind, variant or agreement ([a-z0-9-], ≤ 48). */
export function readId(r: ShapeReader, f: string): string {
  const v = r.str(f, 48);
  if (!ID_RE.test(v)) r.fail(f, 'an id ([a-z0-9-], ≤ 48)');
  return v;
}

/** An account address. */
export function readAddr(r: ShapeReader, f: string): string {
  const v = r.str(f, 128);
  if (!ADDR_RE.test(v)) r.fail(f, 'an account address');
  return v;
}

/** A list of at most `max` distinct account addresses. */
export function readAddrs(r: ShapeReader, f: string, max: number): string[] {
  const out = r.array(f, max).map((x) => {
    if (typeof x !== 'string' || !ADDR_RE.test(x)) r.fail(f, 'a list of account addresses');
    return x;
  });
  if (new Set(out).size !== out.length) r.fail(f, 'a list without duplicates');
  return out;
}

/** A positive amount ≤ MAX_AMOUNT. */
export function readAmount(r: ShapeReader, f: string): number {
  const v = r.uint(f, MAX_AMOUNT);
  if (v < 1) r.fail(f, `an amount 1..${MAX_AMOUNT}`);
  return v;
}

/** The optional address `f`, or "" when absent. */
export function readOptAddr(r: ShapeReader, f: string): string {
  return r.has(f) ? readAddr(r, f) : '';
}

/** Schemas of the argument kinds above, shared by the methods' and queries' schemas. */
export const schemas = {
  id: (description?: string) =>
    S.String({ pattern: '^[a-z0-9][a-z0-9-]{0,47}$', ...(description === undefined ? {} : { description }) }),
  addr: (description?: string) =>
    S.String({ pattern: '^[A-Za-z0-9_-]{1,128}$', ...(description === undefined ? {} : { description }) }),
  amount: (description?: string) =>
    S.Integer({ minimum: 1, maximum: MAX_AMOUNT, ...(description === undefined ? {} : { description }) }),
  digest: (description?: string) => S.Hex(32, description),
};
