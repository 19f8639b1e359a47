import type { CborValue } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type AnyMethod, type ExecContext, legacyMethod } from '../../execution/index.js';
import { type CborMap, ShapeReader } from '../../ledger/index.js';
import { Env } from './env.js';
import { ADDR_RE, ID_RE, MAX_AMOUNT } from './types.js';

/**
 * A method whose whole computation runs in `check` against a buffered environment (nothing is
 * written) and whose `apply` commits that same computation. The block executor calls `check` and
 * `apply` back to back with the same context and arguments, so `apply` reuses the checked result
 * instead of computing it twice; called any other way it recomputes.
 */
export function op<A extends object>(
  parse: (args: CborMap) => A,
  exec: (env: Env, args: A) => void,
): AnyMethod {
  const checked = new WeakMap<A, { ctx: ExecContext; env: Env }>();
  return legacyMethod<A>({
    parse,
    check: (ctx, a) => {
      const env = new Env(ctx);
      exec(env, a);
      checked.set(a, { ctx, env });
    },
    apply: (ctx, a) => {
      const hit = checked.get(a);
      checked.delete(a);
      let env: Env;
      if (hit !== undefined && hit.ctx === ctx) env = hit.env;
      else {
        env = new Env(ctx);
        exec(env, a);
      }
      env.commit();
    },
  });
}

/** Strict argument reader (EXEC_BAD_ARGS). */
export class Args {
  private constructor(private readonly r: ShapeReader) {}

  static of(v: CborMap, allowed: readonly string[]): Args {
    return new Args(ShapeReader.of(v, allowed, 'EXEC_BAD_ARGS', 'args'));
  }

  static nested(v: CborValue | undefined, allowed: readonly string[], what: string): Args {
    return new Args(ShapeReader.of(v, allowed, 'EXEC_BAD_ARGS', what));
  }

  private bad(field: string, expected: string): never {
    throw new GongzhiError('EXEC_BAD_ARGS', `args.${field} must be ${expected}`, { field });
  }

  has(f: string): boolean {
    return this.r.has(f);
  }

  raw(f: string): CborValue {
    return this.r.raw(f);
  }

  id(f: string): string {
    const v = this.r.str(f, 48);
    if (!ID_RE.test(v)) this.bad(f, 'an id ([a-z0-9-], ≤ 48)');
    return v;
  }

  addr(f: string): string {
    const v = this.r.str(f, 128);
    if (!ADDR_RE.test(v)) this.bad(f, 'an account address');
    return v;
  }

  addrs(f: string, max: number): string[] {
    const out = this.r.array(f, max).map((x) => {
      if (typeof x !== 'string' || !ADDR_RE.test(x)) this.bad(f, 'a list of account addresses');
      return x;
    });
    if (new Set(out).size !== out.length) this.bad(f, 'a list without duplicates');
    return out;
  }

  /** A positive amount ≤ MAX_AMOUNT. */
  amount(f: string): number {
    const v = this.r.uint(f, MAX_AMOUNT);
    if (v < 1) this.bad(f, `an amount 1..${MAX_AMOUNT}`);
    return v;
  }

  uint(f: string, max = Number.MAX_SAFE_INTEGER): number {
    return this.r.uint(f, max);
  }

  optUint(f: string, dflt: number, max = Number.MAX_SAFE_INTEGER): number {
    return this.r.has(f) ? this.r.uint(f, max) : dflt;
  }

  str(f: string, max = 256): string {
    return this.r.str(f, max);
  }

  bool(f: string): boolean {
    return this.r.bool(f);
  }

  digest(f: string): Uint8Array {
    return this.r.bytes(f, 32);
  }

  array(f: string, max: number): readonly CborValue[] {
    return this.r.array(f, max);
  }
}
