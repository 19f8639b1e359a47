import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deliveryHasher, PARALLEL_HASH_MIN_BYTES } from '../../src/api/datashare-hasher.js';

const DIST = new URL('../../dist/api/datashare-hasher.js', import.meta.url);

describe('datashare delivery hasher', () => {
  const size = PARALLEL_HASH_MIN_BYTES + 12_345;
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4096) data[i] = i & 0xff;
  const want = createHash('sm3').update(data).digest('hex');
  const feed = async (h: ReturnType<typeof deliveryHasher>) => {
    for (let at = 0, i = 0; at < size; i++) {
      const n = [1, 65_536, 1 << 20, 777_777][i % 4] as number;
      h.update(data.subarray(at, at + n));
      at += n;
    }
    return h.digest(data);
  };

  it('gives the digest of the whole on the calling thread (sources: no compiled worker)', async () => {
    expect(await feed(deliveryHasher('sm3', size))).toBe(want);
    expect(await feed(deliveryHasher('sm3', 10))).toBe(want);
  });

  // The worker is the compiled dist/api/datashare-hash-worker.js (npm run build).
  it.skipIf(!existsSync(DIST))(
    'gives the same digest from the worker thread, and an aborted one ends',
    async () => {
      const m = (await import(DIST.href)) as { deliveryHasher: typeof deliveryHasher };
      expect(await feed(m.deliveryHasher('sm3', size))).toBe(want);
      const aborted = m.deliveryHasher('sm3', size);
      aborted.update(data.subarray(0, 3 << 20));
      aborted.abort();
    },
  );
});
