import { fileURLToPath } from 'node:url';
import { loadOptionalAddon } from './native-addon.js';
import type { Sm2NativeArithmetic } from './sm2-core.js';

/**
 * The optional native SM2 verifier (native/sm2/sm2_verify.c), built at install time by
 * `scripts/build-native.mjs` with node-gyp against the OpenSSL headers Node ships. It does only
 * the curve arithmetic of verification on a pre-computed e = SM3(Z || M) and an uncompressed key
 * the caller already validated, so every acceptance rule stays in sm2-core.ts.
 *
 * Never required: when the addon is absent, fails to load, fails its self-check or
 * GONGZHI_SM2_NATIVE=0 is set, `loadSm2Native()` answers undefined and the portable arithmetic
 * (@noble/curves) is used — the same answers, several times slower.
 */

/** The addon's path: native/ sits beside src/ and dist/, two levels above this file in either. */
export const SM2_NATIVE_PATH = fileURLToPath(
  new URL('../../native/sm2/build/Release/gongzhi_sm2.node', import.meta.url),
);

/** Why the native verifier is not in use (undefined when it is); for logs and the bench. */
export let sm2NativeUnavailableReason: string | undefined;

let loaded: Sm2NativeArithmetic | null | undefined;

/** The native arithmetic, or undefined when it cannot be used here. Loaded once per thread. */
export function loadSm2Native(): Sm2NativeArithmetic | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  const r = loadOptionalAddon<Sm2NativeArithmetic>({
    path: SM2_NATIVE_PATH,
    disableEnv: 'GONGZHI_SM2_NATIVE',
    notBuilt: 'not built (npm install runs scripts/build-native.mjs)',
    unusable: 'cannot load',
    pick: (mod) => {
      const { verify, prepare, release } = mod;
      if (typeof verify !== 'function' || typeof prepare !== 'function' || typeof release !== 'function') {
        throw new Error('addon lacks verify/prepare/release');
      }
      return {
        verify: verify as Sm2NativeArithmetic['verify'],
        prepare: prepare as Sm2NativeArithmetic['prepare'],
        release: release as Sm2NativeArithmetic['release'],
      };
    },
    selfCheck,
  });
  if ('reason' in r) {
    sm2NativeUnavailableReason = r.reason;
    loaded = null;
    return undefined;
  }
  loaded = r.value;
  return r.value;
}

/** 'native' or 'portable': which arithmetic the node SM2 suite verifies with on this thread. */
export function sm2VerifyBackend(): 'native' | 'portable' {
  return loadSm2Native() === undefined ? 'portable' : 'native';
}

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

// The golden vector of test/vectors/crypto/sm2.json in prehashed form (key uncompressed, e computed
// with the default user ID): a build that accepts a wrong signature or refuses this one is not used.
const CHECK_KEY = hex(
  '0422867a125c09def86a65240df0a66598fd30fa38f2f7356638941c14a0aace0a' +
    'bc0a3282980fc2d6064000c197fba0ca30ec6a87bb11d742889e5f31d63f548f',
);
const CHECK_E = hex('c9c34ecfafea76f9a3a2b04616564d8bfc341caa7fdf45609602df07f01f6f9a');
const CHECK_SIG = hex(
  '320a11561b942cd47f26021cf1b529ec737b9ba7a89fb8189114f3c347a134ed' +
    'a8662cf6e710ce3cf4f9549561e679bf7a3663286398597f58880090d4269069',
);

function selfCheck(native: Sm2NativeArithmetic): boolean {
  const tampered = Uint8Array.from(CHECK_SIG);
  tampered[63] = (tampered[63] as number) ^ 1;
  const key = native.prepare(CHECK_KEY);
  if (key === undefined) return false;
  const ok =
    native.verify(CHECK_KEY, CHECK_E, CHECK_SIG) === true &&
    native.verify(CHECK_KEY, CHECK_E, tampered) === false &&
    native.verify(key, CHECK_E, CHECK_SIG) === true &&
    native.verify(key, CHECK_E, tampered) === false;
  native.release(key);
  return ok && native.verify(key, CHECK_E, CHECK_SIG) === false;
}
