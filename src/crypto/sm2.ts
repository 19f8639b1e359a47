import { createHmac, randomBytes } from 'node:crypto';
import { plainBytes } from './internal.js';
import { digest } from './node-internal.js';
import { createSm2 } from './sm2-core.js';
import { loadSm2Native } from './sm2-native.js';

/**
 * The node SM2 suite: the shared SM2 code (`sm2-core.ts`) with SM3, HMAC-SM3 and randomness
 * from node:crypto. Signatures are identical to the portable suite's (deterministic k).
 * Verification uses the native addon (sm2-native.ts) when it was built, else @noble's arithmetic.
 */

export {
  SM2_CURVE,
  SM2_DEFAULT_USER_ID,
  sm2CompressPoint,
  sm2DecompressPoint,
} from './sm2-core.js';

const nodeSm2 = createSm2({
  sm3: (...parts) => digest('sm3', ...parts),
  hmacSm3(key, ...parts) {
    const h = createHmac('sm3', key);
    for (const p of parts) h.update(p);
    return plainBytes(h.digest());
  },
  randomBytes: (n) => plainBytes(randomBytes(n)),
  native: loadSm2Native(),
});

/**
 * SM2 signature (64 bytes r || s) of `message` with the given user ID (default
 * '1234567812345678'). k is deterministic (RFC 6979 HMAC-DRBG with HMAC-SM3).
 */
export const sm2Sign = nodeSm2.sign;

/** Verify an SM2 signature (64 bytes r || s) for a compressed public key; never throws. */
export const sm2Verify = nodeSm2.verify;

/** SM2 signatures (default user ID) with SM3 for hashing and addresses; SM3 from node:crypto. */
export const sm2Suite = nodeSm2.suite;
