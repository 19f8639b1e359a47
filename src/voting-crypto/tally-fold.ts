import { decodeCt, encodeCt } from './ballot.js';
import { type AnyGroup, RISTRETTO, scalarToBytes } from './group.js';
import type { Ct } from './proofs.js';
import { ADD, loadRistrettoNative, MUL, pack32, type RistrettoCombine, SUB } from './ristretto-native.js';

/**
 * The homomorphic tally on encodings: `tally_i · ct_i^(±w)` for every position, the encrypted
 * tally and the ballot's ciphertexts as `α ‖ β` bytes in, the new tally out. On ristretto255 with
 * the native addon that is one native call; otherwise (or if the addon refuses an input) the
 * portable arithmetic. The same bytes either way: ristretto255 encodings are canonical.
 */
export function foldTally(
  grp: AnyGroup,
  tally: readonly Uint8Array[],
  cts: readonly Uint8Array[],
  w: number,
  sign: 1 | -1,
  portable = false,
): Uint8Array[] {
  const combine = !portable && grp === RISTRETTO ? loadRistrettoNative() : undefined;
  const fast = combine === undefined ? null : foldNative(combine, tally, cts, w, sign);
  if (fast !== null) return fast;
  return tally.map((t, i) => {
    const cur = decodeCt<unknown>(grp, t);
    const c = decodeCt<unknown>(grp, cts[i] as Uint8Array);
    const term = w === 1 ? c : { a: grp.pow(c.a, BigInt(w)), b: grp.pow(c.b, BigInt(w)) };
    const op = sign === 1 ? grp.mul : grp.div;
    return encodeCt(grp, { a: op(cur.a, term.a), b: op(cur.b, term.b) });
  });
}

function foldNative(
  combine: RistrettoCombine,
  tally: readonly Uint8Array[],
  cts: readonly Uint8Array[],
  w: number,
  sign: 1 | -1,
): Uint8Array[] | null {
  const n = tally.length;
  if (cts.length !== n || [...tally, ...cts].some((x) => x.length !== 64)) return null;
  const halves = (xs: readonly Uint8Array[]) => xs.flatMap((x) => [x.subarray(0, 32), x.subarray(32)]);
  const points = pack32([...halves(tally), ...halves(cts)]);
  const prog: number[] = [];
  const scalars: Uint8Array[] = [];
  const k = scalarToBytes(sign === 1 ? BigInt(w) : RISTRETTO.q - BigInt(w));
  for (let i = 0; i < 2 * n; i++) {
    if (w === 1) prog.push(2, i, ADD, 2 * n + i, sign === 1 ? ADD : SUB);
    else {
      prog.push(2, i, ADD, 2 * n + i, MUL);
      scalars.push(k);
    }
  }
  const out = combine(points, Int32Array.from(prog), pack32(scalars));
  if (out === null) return null;
  return Array.from({ length: n }, (_, i) => out.slice(i * 64, i * 64 + 64));
}

/**
 * The head-count and weighted tallies of many ballots (an election record's), summed by weight:
 * each ballot's ciphertexts are added into its weight's bucket (additions only), and each bucket
 * is raised to its weight once at the end — Σ_i w_i·ct_i = Σ_w w·(Σ_{w_i = w} ct_i), one
 * exponentiation per distinct weight instead of one per ballot. The group sums do not depend on
 * the order, so the encodings equal the ballot-by-ballot fold's.
 */
export class TallySum {
  private readonly native: RistrettoCombine | undefined;
  private readonly encoded = new Map<number, Uint8Array[]>();
  private readonly decoded = new Map<number, Ct<unknown>[]>();

  constructor(
    private readonly grp: AnyGroup,
    private readonly positions: number,
    portable = false,
  ) {
    this.native = !portable && grp === RISTRETTO ? loadRistrettoNative() : undefined;
  }

  /** A ballot's ciphertexts (`α ‖ β` per position) with its voter's weight. */
  add(cts: readonly Uint8Array[], weight: number): void {
    if (cts.length !== this.positions)
      throw new RangeError(`${cts.length} ciphertexts for ${this.positions}`);
    const grp = this.grp;
    if (this.native !== undefined) {
      const cur = this.encoded.get(weight);
      this.encoded.set(weight, cur === undefined ? [...cts] : foldTally(grp, cur, cts, 1, 1));
      return;
    }
    const d = cts.map((c) => decodeCt<unknown>(grp, c));
    const cur = this.decoded.get(weight);
    this.decoded.set(weight, cur === undefined ? d : cur.map((t, i) => mulCt(grp, t, d[i] as Ct<unknown>)));
  }

  /** The encrypted tallies, `α ‖ β` per position: head-count, and weighted. */
  result(): { plain: Uint8Array[]; weighted: Uint8Array[] } {
    const grp = this.grp;
    if (this.native !== undefined) {
      const fast = this.resultNative(this.native);
      if (fast !== null) return fast;
      for (const [w, cts] of this.encoded)
        this.decoded.set(
          w,
          cts.map((c) => decodeCt<unknown>(grp, c)),
        );
    }
    let plain: Ct<unknown>[] = Array.from({ length: this.positions }, () => ({
      a: grp.identity,
      b: grp.identity,
    }));
    let weighted = plain;
    for (const [w, cts] of this.decoded) {
      plain = plain.map((t, i) => mulCt(grp, t, cts[i] as Ct<unknown>));
      weighted = weighted.map((t, i) => {
        const c = cts[i] as Ct<unknown>;
        return mulCt(grp, t, { a: grp.pow(c.a, BigInt(w)), b: grp.pow(c.b, BigInt(w)) });
      });
    }
    const enc = (cts: Ct<unknown>[]) => cts.map((c) => encodeCt(grp, c));
    return { plain: enc(plain), weighted: enc(weighted) };
  }

  private resultNative(combine: RistrettoCombine): { plain: Uint8Array[]; weighted: Uint8Array[] } | null {
    const buckets = [...this.encoded];
    const halves = 2 * this.positions;
    const points = pack32(
      buckets.flatMap(([, cts]) => cts.flatMap((x) => [x.subarray(0, 32), x.subarray(32)])),
    );
    const prog: number[] = [];
    const scalars: Uint8Array[] = [];
    for (let h = 0; h < halves; h++) {
      prog.push(buckets.length);
      buckets.forEach((_, b) => {
        prog.push(b * halves + h, ADD);
      });
    }
    for (let h = 0; h < halves; h++) {
      prog.push(buckets.length);
      for (const [b, [w]] of buckets.entries()) {
        prog.push(b * halves + h, MUL);
        scalars.push(scalarToBytes(BigInt(w)));
      }
    }
    const out = combine(points, Int32Array.from(prog), pack32(scalars));
    if (out === null) return null;
    const at = (from: number) =>
      Array.from({ length: this.positions }, (_, i) =>
        out.slice((from + 2 * i) * 32, (from + 2 * i + 2) * 32),
      );
    return { plain: at(0), weighted: at(halves) };
  }
}

const mulCt = (grp: AnyGroup, x: Ct<unknown>, y: Ct<unknown>): Ct<unknown> => ({
  a: grp.mul(x.a, y.a),
  b: grp.mul(x.b, y.b),
});
