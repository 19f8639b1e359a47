import { fileURLToPath } from 'node:url';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { loadOptionalAddon } from '../crypto/native-addon.js';

/**
 * The optional native ristretto255 arithmetic (native/ristretto, on libsodium), built at install
 * time by `scripts/build-native.mjs` when libsodium's headers are there. It only adds and multiplies
 * encoded points: every acceptance rule of a ballot stays in TypeScript (ballot-native.ts), and the
 * answers are the same bytes @noble computes (ristretto255 encodings are canonical).
 *
 * Never required: when the addon is absent, fails to load or its self-check, or
 * GONGZHI_RISTRETTO_NATIVE=0 is set, `loadRistrettoNative()` answers undefined and the portable
 * path (@noble/curves) verifies — the same answers, several times slower.
 */

/**
 * One program of sums (see native/ristretto/ristretto_combine.c): `points` 32 bytes each,
 * `program` per output `n, (ref, mode)×n` (ref: input point, P+k output k, −1 the generator;
 * mode 0 ×next scalar, 1 add, 2 subtract), `scalars` 32 bytes little-endian per mode-0 term.
 * Answers the outputs' encodings, or null when an input point is not a canonical encoding.
 */
export type RistrettoCombine = (
  points: Uint8Array,
  program: Int32Array,
  scalars: Uint8Array,
) => Uint8Array | null;

/** The term references and modes of a program. */
export const GEN = -1;
export const MUL = 0;
export const ADD = 1;
export const SUB = 2;

/** 32-byte items laid end to end (a program's points or scalars). */
export function pack32(items: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(items.length * 32);
  for (let i = 0; i < items.length; i++) out.set(items[i] as Uint8Array, i * 32);
  return out;
}

/** The addon's path: native/ sits beside src/ and dist/, two levels above this file in either. */
export const RISTRETTO_NATIVE_PATH = fileURLToPath(
  new URL('../../native/ristretto/build/Release/gongzhi_ristretto.node', import.meta.url),
);

/** Why the native arithmetic is not in use (undefined when it is); for logs and the bench. */
export let ristrettoNativeUnavailableReason: string | undefined;

let loaded: RistrettoCombine | null | undefined;

/** The native `combine`, or undefined when it cannot be used here. Loaded once per thread. */
export function loadRistrettoNative(): RistrettoCombine | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  const r = loadOptionalAddon<RistrettoCombine>({
    path: RISTRETTO_NATIVE_PATH,
    disableEnv: 'GONGZHI_RISTRETTO_NATIVE',
    notBuilt: 'not built (npm install runs scripts/build-native.mjs; needs libsodium-dev)',
    unusable: 'cannot load',
    pick: (mod) => {
      const combine = mod.combine;
      if (typeof combine !== 'function') throw new Error('addon lacks combine');
      return (p, prog, s) => (combine as RistrettoCombine)(p, prog, s);
    },
    selfCheck,
  });
  if ('reason' in r) {
    ristrettoNativeUnavailableReason = r.reason;
    loaded = null;
    return undefined;
  }
  loaded = r.value;
  return r.value;
}

/** 'native' or 'portable': which arithmetic verifies ristretto255 ballots on this thread. */
export function ristrettoBackend(): 'native' | 'portable' {
  return loadRistrettoNative() === undefined ? 'portable' : 'native';
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// A build whose products, sums, identity or validity disagree with @noble on these is not used.
function selfCheck(combine: RistrettoCombine): boolean {
  const P = ristretto255.Point;
  const q = P.Fn.ORDER;
  const k = 0x1234_5678_9abc_def0_1357_9bdf_2468_ace0n;
  const le = (v: bigint): Uint8Array =>
    Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex').reverse());
  const a = P.BASE.multiply(7n);
  const points = new Uint8Array(32);
  points.set(a.toBytes());
  // out0 = g^k + a; out1 = out0^(q−1) + out0 (the identity); out2 = a − g·7 (identity, by subtraction).
  const program = Int32Array.from([2, GEN, MUL, 0, ADD, 2, 1, MUL, 1, ADD, 2, 0, ADD, GEN, MUL]);
  const scalars = new Uint8Array(96);
  scalars.set(le(k), 0);
  scalars.set(le(q - 1n), 32);
  scalars.set(le(q - 7n), 64);
  const out = combine(points, program, scalars);
  if (out === null || out.length !== 96) return false;
  const want = P.BASE.multiply(k).add(a).toBytes();
  const zero = '00'.repeat(32);
  const bad = Uint8Array.from(a.toBytes());
  bad[0] = (bad[0] as number) ^ 1;
  return (
    hex(out.subarray(0, 32)) === hex(want) &&
    hex(out.subarray(32, 64)) === zero &&
    hex(out.subarray(64)) === zero &&
    combine(bad, Int32Array.from([1, 0, ADD]), new Uint8Array(0)) === null
  );
}
