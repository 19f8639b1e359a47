import type { CborValue } from '../encoding/index.js';
import { concatBytes } from '../encoding/index.js';
import { deriveScalar, hashToScalar, modq, RISTRETTO, scalarToBytes } from './group.js';
import { ADD, GEN, MUL, pack32, type RistrettoCombine } from './ristretto-native.js';

/** What `createBallot` builds (structurally its `BallotWire`; declared here so ballot.ts can import this file). */
interface BuiltBallot {
  readonly credential: Uint8Array;
  readonly seq: number;
  readonly answers: { choices: Uint8Array[]; proofs: Uint8Array[][]; overall: Uint8Array[] }[];
  readonly signature: Uint8Array;
}

type Term = [ref: number, mode: number, scalar?: bigint];
const Q = RISTRETTO.q;

/**
 * `createBallot` on ristretto255 with the native arithmetic: the credential key, every
 * ciphertext, every commitment of every proof (real and simulated) and the signature's commitment
 * in one native call (libsodium's constant-time scalar multiplications: r, w and the credential
 * secret go through them), then the same Fiat–Shamir hashes and responses as the portable code,
 * from the same seed-derived scalars — so the same bytes (test/unit/voting-golden.test.ts).
 * Answers undefined on a shape the portable code would refuse (it then throws its own error).
 */
export function createBallotNative(
  y: Uint8Array,
  fp: Uint8Array,
  questions: readonly { readonly answers: number; readonly min: number; readonly max: number }[],
  x: bigint,
  selections: readonly (readonly number[])[],
  seed: Uint8Array,
  seq: number,
  digest: (b: Omit<BuiltBallot, 'signature'>) => Uint8Array,
  combine: RistrettoCombine,
): BuiltBallot | undefined {
  if (selections.length !== questions.length) return undefined;
  for (let qi = 0; qi < questions.length; qi++) {
    const shape = questions[qi] as (typeof questions)[number];
    const sel = selections[qi] as readonly number[];
    if (sel.length !== shape.answers || sel.some((v) => v !== 0 && v !== 1)) return undefined;
    const total = sel.reduce((s, v) => s + v, 0);
    if (total < shape.min || total > shape.max) return undefined;
  }
  const outs: Term[][] = [];
  const out = (...terms: Term[]): number => outs.push(terms) - 1;
  const YREF = 0;
  const ref = (o: number): number => 1 + o; // outputs come after the one input point, y
  const rnd = (label: string): bigint => deriveScalar(RISTRETTO, seed, label);
  /** One range proof's plan: its commitments' outputs and what the responses need. */
  interface Plan {
    readonly ctx: (cred: Uint8Array) => CborValue[];
    readonly a: number;
    readonly b: number;
    readonly lo: number;
    readonly hi: number;
    readonly m: number;
    readonly r: bigint;
    readonly w: bigint;
    readonly sim: Map<number, { c: bigint; s: bigint }>;
    readonly commits: number[];
  }
  const plans: Plan[] = [];
  const plan = (
    ctx: Plan['ctx'],
    a: number,
    b: number,
    lo: number,
    hi: number,
    m: number,
    r: bigint,
    prefix: string,
  ) => {
    const w = rnd(`${prefix}/w`);
    const sim = new Map<number, { c: bigint; s: bigint }>();
    const commits: number[] = [];
    for (let j = lo; j <= hi; j++) {
      if (j === m) {
        commits.push(out([GEN, MUL, w]), out([YREF, MUL, w]));
        continue;
      }
      const c = rnd(`${prefix}/c${j}`);
      const s = rnd(`${prefix}/s${j}`);
      sim.set(j, { c, s });
      const jc = (BigInt(j) * c) % Q;
      commits.push(out([GEN, MUL, s], [ref(a), MUL, c]));
      const t2: Term[] = [
        [YREF, MUL, s],
        [ref(b), MUL, c],
      ];
      if (jc !== 0n) t2.push([GEN, MUL, Q - jc]);
      commits.push(out(...t2));
    }
    plans.push({ ctx, a, b, lo, hi, m, r, w, sim, commits });
  };
  const cred = out([GEN, MUL, x]);
  const cts: { a: number; b: number }[][] = [];
  selections.forEach((sel, qi) => {
    const shape = questions[qi] as (typeof questions)[number];
    const row: { a: number; b: number }[] = [];
    let rSum = 0n;
    sel.forEach((m, ci) => {
      const r = rnd(`q${qi}/c${ci}/r`);
      rSum += r;
      const a = out([GEN, MUL, r]);
      const b = m === 1 ? out([YREF, MUL, r], [GEN, ADD]) : out([YREF, MUL, r]);
      row.push({ a, b });
      plan((c) => [fp, c, qi, 'choice', ci], a, b, 0, 1, m, r, `q${qi}/c${ci}`);
    });
    cts.push(row);
    const first = row[0] as { a: number; b: number };
    const sa = row.length === 1 ? first.a : out(...row.map((ct): Term => [ref(ct.a), ADD]));
    const sb = row.length === 1 ? first.b : out(...row.map((ct): Term => [ref(ct.b), ADD]));
    const total = sel.reduce((s, v) => s + v, 0);
    plan((c) => [fp, c, qi, 'overall'], sa, sb, shape.min, shape.max, total, rSum, `q${qi}/overall`);
  });
  const sigW = rnd('sig/w');
  const sigT = out([GEN, MUL, sigW]);
  const prog: number[] = [];
  const scalars: Uint8Array[] = [];
  for (const terms of outs) {
    prog.push(terms.length);
    for (const [r, mode, k] of terms) {
      prog.push(r, mode);
      if (mode === MUL) scalars.push(scalarToBytes(k as bigint));
    }
  }
  const res = combine(y, Int32Array.from(prog), pack32(scalars));
  if (res === null) return undefined;
  const el = (o: number): Uint8Array => res.slice(o * 32, o * 32 + 32);
  const credential = el(cred);
  const pair = (c: bigint, s: bigint) => concatBytes(scalarToBytes(c), scalarToBytes(s));
  const proofs = plans.map((p) => {
    const commits = p.commits.map(el);
    const c = hashToScalar(RISTRETTO, 'range', [...p.ctx(credential), el(p.a), el(p.b), p.lo, p.hi, commits]);
    let rest = c;
    for (const v of p.sim.values()) rest -= v.c;
    const cm = modq(RISTRETTO, rest);
    const pairs: Uint8Array[] = [];
    for (let j = p.lo; j <= p.hi; j++) {
      const v = p.sim.get(j);
      pairs.push(v === undefined ? pair(cm, modq(RISTRETTO, p.w - p.r * cm)) : pair(v.c, v.s));
    }
    return pairs;
  });
  let at = 0;
  const answers = cts.map((row) => {
    const choiceProofs = row.map(() => proofs[at++] as Uint8Array[]);
    return {
      choices: row.map((ct) => concatBytes(el(ct.a), el(ct.b))),
      proofs: choiceProofs,
      overall: proofs[at++] as Uint8Array[],
    };
  });
  const d = digest({ credential, seq, answers });
  const c = hashToScalar(RISTRETTO, 'sig', [fp, credential, el(sigT), d]);
  return { credential, seq, answers, signature: pair(c, modq(RISTRETTO, sigW - x * c)) };
}
