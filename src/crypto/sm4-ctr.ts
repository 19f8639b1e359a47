import { createCipheriv } from 'node:crypto';
import { loadOptionalAddon } from './native-addon.js';
import { SM2_NATIVE_PATH } from './sm2-native.js';

/**
 * SM4-CTR for datashare deliveries on SM2 chains: the native addon's AVX-512 or AVX2 + GFNI
 * implementation (native/sm2/sm4_ctr.c, built with the SM2 verifier) when the CPU has GFNI, else node:crypto's
 * 'sm4-ctr'. Both give the same bytes (OpenSSL's CTR: the IV is a big-endian 128-bit counter), so
 * either side of a delivery may use either.
 *
 * Why: OpenSSL's SM4 is a table-driven C loop (about 115 MB/s of CPU time here, Node's bundled
 * build and the system's alike), the native one about 1,000 MB/s with AVX2 and 1,750 MB/s with
 * AVX-512 (VPTERNLOGD and VPROLD halve the round's instructions); a delivery runs SM4 on both
 * sides, so it was most of the gap to an HTTPS copy. The native code is used only after it gives
 * the standard's example and node:crypto's answers for counters that carry across words; a
 * failure there, a missing addon, another CPU or GONGZHI_SM4_NATIVE=0 falls back quietly.
 */

/** A key stream: `update` XORs it over `chunk` (in place when `inPlace`, the caller owning it). */
export interface Sm4CtrStream {
  update(chunk: Buffer, inPlace?: boolean): Buffer;
  /**
   * XOR the key stream over `chunk` into `out` (at least as long; must not overlap it), so a
   * receiver decrypts straight into its destination instead of decrypting and then copying.
   */
  updateInto(chunk: Uint8Array, out: Uint8Array): void;
}

interface Sm4Native {
  sm4CtrWhyNot(): string | undefined;
  /** Absent in addons built before the AVX-512 path. */
  sm4CtrImpl?(): string | undefined;
  sm4CtrNew(key: Uint8Array, iv: Uint8Array): object;
  sm4CtrUpdate(handle: object, input: Uint8Array, output: Uint8Array): void;
}

/** Why the native SM4-CTR is not in use (undefined when it is). */
export let sm4NativeUnavailableReason: string | undefined;

let loaded: Sm4Native | null | undefined;

function loadNative(): Sm4Native | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  const r = loadOptionalAddon<Sm4Native>({
    path: SM2_NATIVE_PATH,
    disableEnv: 'GONGZHI_SM4_NATIVE',
    notBuilt: 'the native addon is not built (scripts/build-native.mjs)',
    unusable: 'not used',
    pick: (mod) => {
      const { sm4CtrWhyNot, sm4CtrNew, sm4CtrUpdate, sm4CtrImpl } = mod;
      if (
        typeof sm4CtrWhyNot !== 'function' ||
        typeof sm4CtrNew !== 'function' ||
        typeof sm4CtrUpdate !== 'function'
      ) {
        throw new Error('the addon predates SM4-CTR (rebuild it)');
      }
      const native: Sm4Native = {
        sm4CtrWhyNot: sm4CtrWhyNot as Sm4Native['sm4CtrWhyNot'],
        sm4CtrNew: sm4CtrNew as Sm4Native['sm4CtrNew'],
        sm4CtrUpdate: sm4CtrUpdate as Sm4Native['sm4CtrUpdate'],
      };
      // This CPU (no GFNI) cannot run it: said by the addon, before any self-check.
      const why = native.sm4CtrWhyNot();
      if (why !== undefined) throw new Error(why);
      if (typeof sm4CtrImpl === 'function') native.sm4CtrImpl = sm4CtrImpl as () => string | undefined;
      return native;
    },
    selfCheck,
  });
  if ('reason' in r) {
    sm4NativeUnavailableReason = r.reason;
    loaded = null;
    return undefined;
  }
  loaded = r.value;
  return r.value;
}

/** 'native' (AVX2 + GFNI) or 'node:crypto': which SM4-CTR this thread uses. */
export function sm4CtrBackend(): 'native' | 'node:crypto' {
  return loadNative() === undefined ? 'node:crypto' : 'native';
}

/**
 * Which code runs SM4-CTR here: 'avx512-gfni' or 'avx2-gfni' (native; GONGZHI_SM4_AVX512=0 forces
 * the AVX2 one), 'native' from an addon too old to say, or 'node:crypto'. For reports and tests.
 */
export function sm4CtrVariant(): string {
  const n = loadNative();
  if (n === undefined) return 'node:crypto';
  return n.sm4CtrImpl?.() ?? 'native';
}

/** A fresh SM4-CTR key stream for a 16-byte key and IV. */
export function createSm4Ctr(key: Uint8Array, iv: Uint8Array): Sm4CtrStream {
  if (key.length !== 16 || iv.length !== 16) throw new RangeError('SM4-CTR needs a 16-byte key and IV');
  const native = loadNative();
  if (native === undefined) {
    const c = createCipheriv('sm4-ctr', key, iv);
    return {
      update: (chunk) => c.update(chunk),
      updateInto(chunk, out) {
        if (out.length < chunk.length) throw new RangeError('output shorter than input');
        out.set(c.update(chunk));
      },
    };
  }
  const h = native.sm4CtrNew(key, iv);
  return {
    update(chunk, inPlace = false) {
      const out = inPlace ? chunk : Buffer.allocUnsafe(chunk.length);
      native.sm4CtrUpdate(h, chunk, out);
      return out;
    },
    updateInto: (chunk, out) => native.sm4CtrUpdate(h, chunk, out),
  };
}

const hex = (s: string) => Buffer.from(s, 'hex');

/** The standard's example (E_K(P), K = P) and node:crypto's answers over awkward splits. */
function selfCheck(n: Sm4Native): boolean {
  const k = hex('0123456789abcdeffedcba9876543210');
  const block = Buffer.alloc(16);
  n.sm4CtrUpdate(n.sm4CtrNew(k, k), block, block);
  if (block.toString('hex') !== '681edf34d206965e86b3e94f536e4246') return false;
  const data = Buffer.alloc(5000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
  // Counters that carry out of the low 32 and 64 bits, and wrap at 2^128.
  for (const iv of [
    '00000000000000000000000fffffff00',
    '0000000000000000ffffffffffffffc0',
    'ffffffffffffffffffffffffffffffe0',
  ]) {
    const want = createCipheriv('sm4-ctr', k, hex(iv)).update(data);
    const h = n.sm4CtrNew(k, hex(iv));
    const got = Buffer.from(data);
    for (let o = 0, i = 0; o < got.length; i++) {
      const part = got.subarray(o, Math.min(got.length, o + ([1, 15, 17, 256, 300, 1024][i % 6] as number)));
      n.sm4CtrUpdate(h, part, part);
      o += part.length;
    }
    if (!got.equals(want)) return false;
  }
  return true;
}
