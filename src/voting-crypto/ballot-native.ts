import type { CborValue } from '../encoding/index.js';
import { bytesToBig, hashToScalar, RISTRETTO, scalarToBytes } from './group.js';
import { ADD, GEN, MUL, pack32, type RistrettoCombine } from './ristretto-native.js';

/** The ballot as this file reads it (structurally `BallotWire`, kept here so ballot.ts can import this file). */
interface AnswerWire {
  readonly choices: readonly Uint8Array[];
  readonly proofs: readonly (readonly Uint8Array[])[];
  readonly overall: readonly Uint8Array[];
}
interface BallotWire {
  readonly credential: Uint8Array;
  readonly answers: readonly AnswerWire[];
  readonly signature: Uint8Array;
}
interface NativeContext {
  readonly fingerprint: Uint8Array;
  /** The election key's encoding. */
  readonly y: Uint8Array;
  readonly questions: readonly { readonly answers: number; readonly min: number; readonly max: number }[];
}

/**
 * A ristretto255 ballot's whole verification with the native arithmetic: every commitment of
 * every 0/1 and min..max proof and of the signature computed from the wire bytes in one native
 * call, then the same Fiat–Shamir hashes as `verifyBallot` over the same bytes. It only ever
 * answers true when all of them hold; on false the caller runs the portable `verifyBallot`, so
 * a refused ballot is refused with exactly the portable error (receipts are the same on every
 * node, whatever its build).
 */
export function verifyBallotNative(
  ctx: NativeContext,
  b: BallotWire,
  digest: () => Uint8Array,
  combine: RistrettoCombine,
): boolean {
  const { fingerprint: fp, questions } = ctx;
  if (b.answers.length !== questions.length || b.credential.length !== 32 || b.signature.length !== 64)
    return false;
  for (let qi = 0; qi < questions.length; qi++) {
    const shape = questions[qi] as (typeof questions)[number];
    const a = b.answers[qi] as AnswerWire;
    if (a.choices.length !== shape.answers || a.proofs.length !== shape.answers) return false;
    if (a.overall.length !== shape.max - shape.min + 1) return false;
    if (a.choices.some((c) => c.length !== 64) || a.overall.some((p) => p.length !== 64)) return false;
    if (a.proofs.some((p) => p.length !== 2 || p.some((x) => x.length !== 64))) return false;
  }
  const p = new Program();
  const y = p.point(ctx.y);
  const cred = p.point(b.credential);
  const cts = b.answers.map((a) =>
    a.choices.map((c) => ({ a: p.point(c.subarray(0, 32)), b: p.point(c.subarray(32)) })),
  );
  const checks: { label: string; parts: (out: Uint8Array) => CborValue[]; c: bigint }[] = [];
  /** The commitments of a lo..hi range proof on ciphertext refs (ea, eb), or false for a non-canonical scalar. */
  const range = (
    proofCtx: readonly CborValue[],
    ea: number,
    eb: number,
    bytesOf: (out: Uint8Array) => [Uint8Array, Uint8Array],
    lo: number,
    pairs: readonly Uint8Array[],
  ): boolean => {
    const commits: number[] = [];
    let sum = 0n;
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i] as Uint8Array;
      const cb = pair.subarray(0, 32);
      const sb = pair.subarray(32);
      const c = bytesToBig(cb);
      if (c >= Q || bytesToBig(sb) >= Q) return false;
      sum += c;
      const jc = (BigInt(lo + i) * c) % Q;
      commits.push(p.out([GEN, MUL, sb], [ea, MUL, cb]));
      commits.push(
        jc === 0n
          ? p.out([y, MUL, sb], [eb, MUL, cb])
          : p.out([y, MUL, sb], [eb, MUL, cb], [GEN, MUL, scalarToBytes(Q - jc)]),
      );
    }
    const hi = lo + pairs.length - 1;
    checks.push({
      label: 'range',
      parts: (out) => [...proofCtx, ...bytesOf(out), lo, hi, commits.map((k) => p.bytes(out, k))],
      c: sum % Q,
    });
    return true;
  };
  for (let qi = 0; qi < questions.length; qi++) {
    const shape = questions[qi] as (typeof questions)[number];
    const a = b.answers[qi] as AnswerWire;
    const qcts = cts[qi] as { a: number; b: number }[];
    for (let ci = 0; ci < qcts.length; ci++) {
      const ct = qcts[ci] as { a: number; b: number };
      const wire = a.choices[ci] as Uint8Array;
      const ok = range(
        [fp, b.credential, qi, 'choice', ci],
        ct.a,
        ct.b,
        () => [wire.subarray(0, 32), wire.subarray(32)],
        0,
        a.proofs[ci] as readonly Uint8Array[],
      );
      if (!ok) return false;
    }
    // The sum of one ciphertext is itself (as in `sumCts`); otherwise two sums computed first.
    let sa = (qcts[0] as { a: number }).a;
    let sb = (qcts[0] as { b: number }).b;
    if (qcts.length !== 1) {
      sa = p.out(...qcts.map((ct): Term => [ct.a, ADD]));
      sb = p.out(...qcts.map((ct): Term => [ct.b, ADD]));
    }
    const [fa, fb] = [sa, sb];
    if (
      !range(
        [fp, b.credential, qi, 'overall'],
        fa,
        fb,
        (out) => [p.bytes(out, fa), p.bytes(out, fb)],
        shape.min,
        a.overall,
      )
    )
      return false;
  }
  const sc = b.signature.subarray(0, 32);
  const ss = b.signature.subarray(32);
  const c = bytesToBig(sc);
  if (c >= Q || bytesToBig(ss) >= Q) return false;
  const t = p.out([GEN, MUL, ss], [cred, MUL, sc]);
  const d = digest();
  checks.push({ label: 'sig', parts: (out) => [fp, b.credential, p.bytes(out, t), d], c });
  const out = p.run(combine);
  if (out === null) return false;
  return checks.every((k) => hashToScalar(RISTRETTO, k.label, k.parts(out)) === k.c);
}

const Q = RISTRETTO.q;
type Term = [ref: number, mode: number, scalar?: Uint8Array];

/**
 * A combine program being written: input points first (their refs are their positions), then
 * outputs; an output's ref is only known relative to the points, so refs to outputs are kept
 * negative-offset (−2 − k) until `run` lays the program out.
 */
class Program {
  private readonly points: Uint8Array[] = [];
  private readonly outputs: Term[][] = [];

  point(bytes: Uint8Array): number {
    this.points.push(bytes);
    return this.points.length - 1;
  }

  /** A new output Σ terms; answers its ref. */
  out(...terms: Term[]): number {
    this.outputs.push(terms);
    return -2 - (this.outputs.length - 1);
  }

  /** The encoding of ref `k` (an input point or an output) once `out` holds the outputs. */
  bytes(out: Uint8Array, k: number): Uint8Array {
    if (k >= 0) return this.points[k] as Uint8Array;
    const o = -2 - k;
    return out.slice(o * 32, o * 32 + 32);
  }

  run(combine: RistrettoCombine): Uint8Array | null {
    const P = this.points.length;
    const pts = pack32(this.points);
    const prog: number[] = [];
    const scalars: Uint8Array[] = [];
    for (const terms of this.outputs) {
      prog.push(terms.length);
      for (const [ref, mode, s] of terms) {
        prog.push(ref <= -2 ? P + (-2 - ref) : ref, mode);
        if (mode === MUL) scalars.push(s as Uint8Array);
      }
    }
    return combine(pts, Int32Array.from(prog), pack32(scalars));
  }
}
