import { getSuite, type SuiteId, VerifyPool } from '../crypto/index.js';

/**
 * Signature verifications per second on `threads` worker threads (the node's own VerifyPool), over
 * at least `ms` of wall time, with `keys` distinct keys as the end-to-end runs use. This is the
 * denominator of the throughput ratio: on a shared machine the verify rate moves with the load, so
 * a committed tx/s figure means something only next to the rate measured in the same run.
 */
export async function measurePoolVerifyRate(
  suiteId: SuiteId,
  threads: number,
  ms: number,
  keys = 64,
): Promise<number> {
  const suite = getSuite(suiteId);
  // `keys` senders signing 1,000 distinct messages, so per-key caches behave as in the end-to-end runs.
  const pairs = Array.from({ length: keys }, () => suite.generateKeyPair());
  const items = Array.from({ length: 1000 }, (_, i) => {
    const k = pairs[i % keys] as (typeof pairs)[number];
    const message = suite.hash(new TextEncoder().encode(`verify-rate-${i}`));
    return { publicKey: k.publicKey, message, signature: suite.sign(k.secretKey, message) };
  });
  const pool = new VerifyPool(threads);
  try {
    // Warm-up: worker start, JIT, key caches.
    await Promise.all(Array.from({ length: threads }, () => pool.verifyBatch(suiteId, items)));
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      // Several batches in flight, as admission has them.
      const ok = await Promise.all(
        Array.from({ length: 2 * threads }, () => pool.verifyBatch(suiteId, items)),
      );
      for (const r of ok) n += r.length;
    }
    return (n * 1000) / (performance.now() - t0);
  } finally {
    await pool.close();
  }
}
