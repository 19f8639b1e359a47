import { randomBytes } from 'node:crypto';
import type { SuiteId } from './suite.js';
import { getSuite } from './suites.js';

/**
 * Signature verifications per second on the current thread for `suite`, measured for about
 * `ms` milliseconds over one key and a 128-byte message. The key is hot (decoded and cached
 * after the warm-up), which is the common case for a ledger with a stable set of signers.
 */
export function measureVerifyRate(suite: SuiteId, ms: number): number {
  const impl = getSuite(suite);
  const kp = impl.generateKeyPair();
  const msg = randomBytes(128);
  const sig = impl.sign(kp.secretKey, msg);
  // Warm-up: JIT and per-key caches (KeyObject, SM2 precomputed table).
  for (let i = 0; i < 8; i++) impl.verify(kp.publicKey, msg, sig);
  const budget = Math.max(1, ms);
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 16; i++) impl.verify(kp.publicKey, msg, sig);
    n += 16;
    elapsed = performance.now() - t0;
  } while (elapsed < budget);
  return (n * 1000) / elapsed;
}
