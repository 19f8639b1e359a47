import type { TSchema } from '@sinclair/typebox';
import { defineMethod, type MethodDef } from '../../execution/index.js';
import type { CborMap } from '../../ledger/index.js';
import { commitEffects, type Effects } from './effects.js';
import { Env } from './env.js';

/** A points operation: its manifest entry, its argument parser and the operation itself. */
export interface PointsOperation<A> {
  readonly summary: string;
  /** JSON Schema of the arguments (bytes as hex). */
  readonly args: TSchema;
  parse(args: CborMap): A;
  /** The operation: reads, checks and writes through `env`; throws to refuse. */
  run(env: Env, args: A): void;
}

/**
 * A method in the kit's validity/process split. `check` runs the whole operation over the
 * transaction's read-only state in a fresh `Env` — the books need every intermediate balance to
 * decide whether the operation is valid — and returns the resulting effects (encoded writes and
 * events); `apply` commits exactly those effects and recomputes nothing.
 */
export function pointsMethod<A>(op: PointsOperation<A>): MethodDef<A, Effects> {
  return defineMethod<A, Effects>({
    summary: op.summary,
    args: op.args,
    parse: op.parse,
    check: (ctx, a) => {
      const env = new Env(ctx);
      op.run(env, a);
      return env.effects();
    },
    apply: (ctx, _a, effects) => commitEffects(ctx, effects),
  });
}
