import { RISTRETTO, scalarToBytes } from './group.js';
import { ADD, GEN, MUL, type RistrettoCombine } from './ristretto-native.js';

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
/** Baby-step tables by width m (a tally's positions share one: the same m for the same bound). */
const tables = new Map<number, Map<string, number>>();
const GIANT_CHUNK = 512;

/**
 * Baby-step giant-step on ristretto255 with the native arithmetic: the same steps in the same
 * order as the portable `discreteLog` (so the same answer), the table `i·g` for i < m and the
 * giant steps `target − k·m·g` each a chain of additions in one native call, instead of an
 * @noble addition and encoding (an inversion) per step. Public values only. Answers undefined
 * when no k·m + i ≤ bound matches, or when the addon refuses the target (the caller then runs
 * the portable search, which throws its own error).
 */
export function discreteLogNative(
  combine: RistrettoCombine,
  target: Uint8Array,
  bound: number,
): number | undefined {
  const m = Math.max(1, Math.ceil(Math.sqrt(bound + 1)));
  let table = tables.get(m);
  if (table === undefined) {
    // o_0 = identity (the empty sum), o_i = o_{i−1} + g.
    const prog = new Int32Array(1 + 5 * (m - 1));
    let at = 1;
    for (let i = 1; i < m; i++) {
      prog.set([2, i - 1, ADD, GEN, ADD], at);
      at += 5;
    }
    const out = combine(new Uint8Array(0), prog, new Uint8Array(0));
    if (out === null) return undefined;
    table = new Map();
    for (let i = 0; i < m; i++) table.set(hex(out.subarray(i * 32, i * 32 + 32)), i);
    if (tables.size >= 4) tables.delete(tables.keys().next().value as number);
    tables.set(m, table);
  }
  // Chunks of the chain γ_k = target − k·m·g: input 0 is the chunk's first γ, output 0 the step.
  let gamma = target;
  const step = scalarToBytes(RISTRETTO.q - BigInt(m));
  for (let k0 = 0; k0 * m <= bound; k0 += GIANT_CHUNK) {
    const n = Math.min(GIANT_CHUNK, Math.floor(bound / m) - k0 + 1);
    // out0 = −m·g; out1 = γ_{k0}; out_{j+1} = out_j + out0.
    const prog: number[] = [1, GEN, MUL, 1, 0, ADD];
    for (let j = 1; j <= n; j++) prog.push(2, 1 + j, ADD, 1, ADD);
    const out = combine(gamma, Int32Array.from(prog), step);
    if (out === null) return undefined;
    for (let j = 0; j < n; j++) {
      const hit = table.get(hex(out.subarray((1 + j) * 32, (2 + j) * 32)));
      const k = k0 + j;
      if (hit !== undefined && k * m + hit <= bound) return k * m + hit;
    }
    gamma = out.slice((1 + n) * 32, (2 + n) * 32);
  }
  return undefined;
}
