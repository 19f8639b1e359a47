import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { seedOf } from '../../src/testing/index.js';
import { verifyBallotNative } from '../../src/voting-crypto/ballot-native.js';
import {
  type BallotContext,
  type BallotWire,
  ballotHash,
  checkBallot,
  createBallot,
  credentialFromSeed,
  deriveScalar,
  discreteLog,
  foldTally,
  preparedKey,
  RISTRETTO,
  scalarToBytes,
  TallySum,
  VoteCryptoError,
  verifyBallot,
} from '../../src/voting-crypto/index.js';
import {
  ADD,
  GEN,
  loadRistrettoNative,
  MUL,
  pack32,
  ristrettoNativeUnavailableReason,
  SUB,
} from '../../src/voting-crypto/ristretto-native.js';

const P = ristretto255.Point;
const q = RISTRETTO.q;
const native = loadRistrettoNative();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ZERO = '00'.repeat(32);
/** The built loader (npm run build), for the worker-thread check. */
const DIST_NATIVE = fileURLToPath(new URL('../../dist/voting-crypto/ristretto-native.js', import.meta.url));

/**
 * The libsodium addon (native/ristretto) against @noble: every product, sum and difference, the
 * identity as input and as result, scalars at the edges, invalid encodings; then whole ballots,
 * native against portable, good and tampered. Skipped where the addon is not built (no
 * libsodium-dev): the portable path is then the only one and the other voting tests cover it.
 */
describe.skipIf(native === undefined)(
  `ristretto255 native arithmetic (${ristrettoNativeUnavailableReason ?? 'built'})`,
  () => {
    const combine = native as NonNullable<typeof native>;
    const rand = (i: number): bigint => deriveScalar(RISTRETTO, seedOf(`native-${i}`), 'k');
    const scalars = [
      0n,
      1n,
      2n,
      15n,
      q - 1n,
      q - 2n,
      1n << 252n,
      ...Array.from({ length: 10 }, (_, i) => rand(i)),
    ];
    const points = [P.ZERO, P.BASE, ...Array.from({ length: 6 }, (_, i) => P.BASE.multiply(rand(100 + i)))];

    it('a^k and g^k equal @noble for every base and scalar (the identity included, as input and result)', () => {
      const pts = pack32(points.map((p) => p.toBytes()));
      const prog: number[] = [];
      const sc: Uint8Array[] = [];
      const want: string[] = [];
      for (const k of scalars) {
        prog.push(1, GEN, MUL);
        sc.push(scalarToBytes(k));
        want.push(hex(k === 0n ? P.ZERO.toBytes() : P.BASE.multiply(k).toBytes()));
        points.forEach((p, i) => {
          prog.push(1, i, MUL);
          sc.push(scalarToBytes(k));
          want.push(hex(k === 0n ? P.ZERO.toBytes() : p.multiplyUnsafe(k).toBytes()));
        });
      }
      const out = combine(pts, Int32Array.from(prog), pack32(sc));
      expect(out).not.toBeNull();
      const got = Array.from({ length: want.length }, (_, i) =>
        hex((out as Uint8Array).subarray(i * 32, i * 32 + 32)),
      );
      expect(got).toEqual(want);
      expect(got.filter((g) => g === ZERO).length).toBeGreaterThan(scalars.length);
    });

    it('sums, differences, references to earlier outputs and the empty sum equal @noble', () => {
      const [a, b, c] = [points[2], points[3], points[4]] as [typeof P.BASE, typeof P.BASE, typeof P.BASE];
      const pts = pack32([a, b, c].map((p) => p.toBytes()));
      const k1 = rand(50);
      const k2 = rand(51);
      // o0 = g^k1·a^k2·b;  o1 = o0 − c − a;  o2 = o0^(q−1)·o0 (identity);  o3 = ∅;  o4 = −b;  o5 = o1 + o4 + 2^256−1 reduced
      const prog = [3, GEN, MUL, 0, MUL, 1, ADD, 3, 3, ADD, 2, SUB, 0, SUB, 2, 3, MUL, 3, ADD, 0, 1, 1, SUB];
      prog.push(3, 4, ADD, 7, ADD, GEN, MUL);
      const wide = new Uint8Array(32).fill(0xff);
      const flat = pack32([scalarToBytes(k1), scalarToBytes(k2), scalarToBytes(q - 1n), wide]);
      const out = combine(pts, Int32Array.from(prog), flat);
      expect(out).not.toBeNull();
      const o0 = P.BASE.multiply(k1).add(a.multiply(k2)).add(b);
      const o1 = o0.subtract(c).subtract(a);
      const o4 = P.ZERO.subtract(b);
      const o5 = o1.add(o4).add(P.BASE.multiply(((1n << 256n) - 1n) % q));
      const at = (i: number) => hex((out as Uint8Array).subarray(i * 32, i * 32 + 32));
      expect([at(0), at(1), at(2), at(3), at(4), at(5)]).toEqual([
        hex(o0.toBytes()),
        hex(o1.toBytes()),
        ZERO,
        ZERO,
        hex(o4.toBytes()),
        hex(o5.toBytes()),
      ]);
    });

    it('refuses exactly the encodings @noble refuses, and a malformed program', () => {
      const candidates: Uint8Array[] = [
        new Uint8Array(32).fill(0xff),
        Uint8Array.from(Buffer.from(`ed${'ff'.repeat(30)}7f`, 'hex')), // p itself: not canonical
        Uint8Array.from([1, ...new Uint8Array(31)]), // odd s: negative
        ...Array.from({ length: 40 }, (_, i) => seedOf(`junk-${i}`)),
        ...points.map((p) => p.toBytes()),
        // A valid point with the top bit set: libsodium 1.0.18 alone would take it, the addon refuses it.
        ...points.slice(1).map((p) => {
          const b = p.toBytes();
          b[31] = (b[31] as number) | 0x80;
          return b;
        }),
      ];
      for (const bytes of candidates) {
        let nobleOk = true;
        try {
          P.fromBytes(bytes);
        } catch {
          nobleOk = false;
        }
        const out = combine(bytes, Int32Array.from([1, 0, ADD]), new Uint8Array(0));
        expect(out === null ? false : hex(out) === hex(bytes)).toBe(nobleOk);
      }
      const pt = P.BASE.toBytes();
      expect(() => combine(pt, Int32Array.from([1, 5, ADD]), new Uint8Array(0))).toThrow(/bad ref/);
      expect(() => combine(pt, Int32Array.from([1, 1, ADD]), new Uint8Array(0))).toThrow(/bad ref/);
      expect(() => combine(pt, Int32Array.from([2, 0, ADD]), new Uint8Array(0))).toThrow(/truncated/);
      expect(() => combine(pt, Int32Array.from([1, 0, 3]), new Uint8Array(0))).toThrow(/bad mode/);
      expect(() => combine(pt, Int32Array.from([1, 0, MUL]), new Uint8Array(0))).toThrow(/one per product/);
    });

    it('foldTally and TallySum give the portable bytes (±, weights 1 and more, identities, many weights)', () => {
      const ct = (i: number): Uint8Array => {
        const a = i % 5 === 0 ? P.ZERO : P.BASE.multiply(rand(200 + i));
        const b = i % 7 === 0 ? P.ZERO : P.BASE.multiply(rand(300 + i));
        return Uint8Array.from([...a.toBytes(), ...b.toBytes()]);
      };
      const row = (k: number): Uint8Array[] => Array.from({ length: 4 }, (_, i) => ct(k * 4 + i));
      const tally = row(0);
      for (const [w, sign] of [
        [1, 1],
        [1, -1],
        [5000, 1],
        [9700, -1],
      ] as const) {
        const nat = foldTally(RISTRETTO, tally, row(1), w, sign).map(hex);
        expect(nat).toEqual(foldTally(RISTRETTO, tally, row(1), w, sign, true).map(hex));
      }
      // Undoing a fold gives the tally back (the re-vote path).
      const there = foldTally(RISTRETTO, tally, row(2), 77, 1);
      expect(foldTally(RISTRETTO, there, row(2), 77, -1).map(hex)).toEqual(tally.map(hex));
      const weights = [1, 3, 3, 5000, 1, 9999, 3];
      const sums = [new TallySum(RISTRETTO, 4), new TallySum(RISTRETTO, 4, true)];
      const empty: Uint8Array[] = Array.from({ length: 4 }, () => new Uint8Array(64));
      let plain = empty;
      let weighted = empty;
      weights.forEach((w, k) => {
        for (const s of sums) s.add(row(3 + k), w);
        plain = foldTally(RISTRETTO, plain, row(3 + k), 1, 1, true);
        weighted = foldTally(RISTRETTO, weighted, row(3 + k), w, 1, true);
      });
      for (const s of sums) {
        const r = s.result();
        expect(r.plain.map(hex)).toEqual(plain.map(hex));
        expect(r.weighted.map(hex)).toEqual(weighted.map(hex));
      }
      expect(new TallySum(RISTRETTO, 2).result().plain.map(hex)).toEqual([ZERO + ZERO, ZERO + ZERO]);
    });

    it('discrete logs equal the portable search (0, bound, between, past the bound, a chunk edge)', () => {
      const portable = { ...RISTRETTO };
      for (const [x, bound] of [
        [0, 0],
        [0, 10],
        [10, 10],
        [7, 1000],
        [999, 1000],
        [512 * 32 + 5, 600_000],
        [123_457, 200_000],
      ] as const) {
        const t = RISTRETTO.gpow(BigInt(x));
        expect(discreteLog(RISTRETTO, t, bound)).toBe(x);
        expect(discreteLog(portable, t, bound)).toBe(x);
      }
      expect(() => discreteLog(RISTRETTO, RISTRETTO.gpow(1001n), 1000)).toThrow(/no discrete log/);
    });

    it.skipIf(!existsSync(DIST_NATIVE))(
      'worker threads load the addon too (the verify pool runs ballots there)',
      async () => {
        const code = `const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(pathToFileURL(DIST_NATIVE).href)}).then((m) => parentPort.postMessage(m.ristrettoBackend()));`;
        const answers = await Promise.all(
          [0, 1].map(
            () =>
              new Promise<unknown>((resolve, reject) => {
                const w = new Worker(code, { eval: true });
                const timer = setTimeout(
                  () => void w.terminate().then(() => reject(new Error('worker timed out'))),
                  20_000,
                );
                w.once('message', (m) => {
                  clearTimeout(timer);
                  void w.terminate().then(() => resolve(m));
                });
                w.once('error', (e) => {
                  clearTimeout(timer);
                  reject(e);
                });
              }),
          ),
        );
        expect(answers).toEqual(['native', 'native']);
      },
    );

    describe('whole ballots: native against portable', () => {
      const questions = [
        { answers: 4, min: 0, max: 2 },
        { answers: 1, min: 0, max: 1 },
        { answers: 3, min: 1, max: 1 },
      ];
      const y = RISTRETTO.gpow(deriveScalar(RISTRETTO, seedOf('native-key'), 'y'));
      const ctx: BallotContext<unknown> = {
        grp: RISTRETTO,
        fingerprint: seedOf('native-fp'),
        y: preparedKey(RISTRETTO, RISTRETTO.encode(y)),
        questions,
      };
      const nctx = { fingerprint: ctx.fingerprint, y: RISTRETTO.encode(y), questions };
      const sels = [
        [[0, 0, 0, 0], [0], [1, 0, 0]],
        [[1, 1, 0, 0], [1], [0, 0, 1]],
        [[0, 1, 0, 0], [0], [0, 1, 0]],
      ];
      const ballots = sels.map((s, i) =>
        createBallot(ctx, credentialFromSeed(RISTRETTO, seedOf(`nv${i}`)).secret, s, seedOf(`nb${i}`)),
      );
      const nativeOk = (b: BallotWire) =>
        verifyBallotNative(nctx, b, () => new Uint8Array(32), combine) === true;
      const reason = (f: () => void): string => {
        try {
          f();
          return 'ok';
        } catch (e) {
          return e instanceof VoteCryptoError ? `${e.reason}: ${e.message}` : String(e);
        }
      };

      it('builds the same ballot bytes as @noble from the same seed (every selection shape, re-vote seq)', () => {
        const all = [...sels, [[1, 0, 1, 0], [1], [0, 0, 1]], [[0, 0, 1, 1], [0], [0, 1, 0]]];
        all.forEach((s, i) => {
          const x = credentialFromSeed(RISTRETTO, seedOf(`nv${i}`)).secret;
          const nat = createBallot(ctx, x, s, seedOf(`nb${i}`), 1 + i);
          const por = createBallot(ctx, x, s, seedOf(`nb${i}`), 1 + i, true);
          expect(hex(ballotHash(nat))).toBe(hex(ballotHash(por)));
        });
        // A shape the portable builder refuses is refused with its error.
        expect(() => createBallot(ctx, 5n, [[1, 1, 1, 0], [0], [1, 0, 0]], seedOf('x'))).toThrow(
          /choose 0..2/,
        );
      });

      it('accepts every good ballot both ways (all-zero answers give identity-heavy proofs)', () => {
        for (const b of ballots) {
          expect(reason(() => checkBallot(ctx, b))).toBe('ok');
          expect(reason(() => checkBallot(ctx, b, true))).toBe('ok');
          expect(reason(() => verifyBallot(ctx, b))).toBe('ok');
        }
      });

      it('a change anywhere is refused by the native path, and checkBallot throws the portable error', () => {
        const b = ballots[1] as BallotWire;
        const flip = (x: Uint8Array, at: number): Uint8Array => {
          const c = Uint8Array.from(x);
          c[at] = (c[at] as number) ^ 4;
          return c;
        };
        type Answer = { choices: Uint8Array[]; proofs: Uint8Array[][]; overall: Uint8Array[] };
        /** The ballot with answer `qi` changed by `f` (a copy: the good ballot stays good). */
        const mut = (qi: number, f: (a: Answer) => void): BallotWire => {
          const answers: Answer[] = b.answers.map((a) => ({
            choices: [...a.choices],
            proofs: a.proofs.map((p) => [...p]),
            overall: [...a.overall],
          }));
          f(answers[qi] as Answer);
          return { ...b, answers };
        };
        const bytes = (x: Uint8Array | undefined): Uint8Array => x as Uint8Array;
        const bad: BallotWire[] = [
          { ...b, signature: flip(b.signature, 3) },
          { ...b, signature: flip(b.signature, 40) },
          { ...b, credential: (ballots[0] as BallotWire).credential },
          { ...b, seq: 2 },
          mut(0, (a) => {
            a.choices[1] = flip(bytes(a.choices[1]), 40);
          }),
          mut(0, (a) => {
            a.choices[0] = flip(bytes(a.choices[0]), 0);
          }),
          mut(2, (a) => {
            a.proofs[1] = [flip(bytes(a.proofs[1]?.[0]), 5), bytes(a.proofs[1]?.[1])];
          }),
          mut(0, (a) => {
            a.overall[2] = flip(bytes(a.overall[2]), 33);
          }),
          mut(1, (a) => {
            a.overall[0] = new Uint8Array(64).fill(0xff);
          }),
          mut(2, (a) => {
            a.choices.pop();
          }),
        ];
        for (const x of bad) {
          const want = reason(() => verifyBallot(ctx, x));
          expect(want).not.toBe('ok');
          expect(reason(() => checkBallot(ctx, x))).toBe(want);
          expect(nativeOk(x)).toBe(false);
        }
      });
    });
  },
);
