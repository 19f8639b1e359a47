import { describe, expect, it } from 'vitest';
import { TraceBenchChain } from '../../src/bench/trace-bench-chain.js';
import { iterateCurrentState } from '../../src/storage/index.js';
import { tempDir } from '../helpers/fixtures.js';

/**
 * The trace benchmark's bulk load (StoreChain.load) must leave exactly the state the block path
 * leaves — it exists only to reach a million events in minutes, not to measure another ledger.
 */
const rows = (c: TraceBenchChain) =>
  Array.from(iterateCurrentState(c.chain.store.db), (r) => ({ key: r.key, v: r.value.toString('hex') }));

describe('trace benchmark: bulk load', () => {
  it('writes the same state rows as executing and committing the same transactions in one block', () => {
    const a = tempDir('gongzhi-bulk-a-');
    const b = tempDir('gongzhi-bulk-b-');
    const blocks = new TraceBenchChain(a.dir);
    const bulk = new TraceBenchChain(b.dir, blocks.keys);
    try {
      expect(rows(bulk)).toEqual(rows(blocks));
      const before = rows(blocks).length;
      blocks.fill(0, 300, false);
      bulk.fill(0, 300, true);
      const after = rows(blocks);
      // Each filler event writes its event, lot and index rows (and the shared counters).
      expect(after.length).toBeGreaterThan(before + 300 * 5);
      expect(rows(bulk)).toEqual(after);
      // Read back through the module's queries, as the resolver does.
      const lots = bulk.chain.query('trace', 'lots', { offset: 299, limit: 5 });
      expect(lots).toEqual(blocks.chain.query('trace', 'lots', { offset: 299, limit: 5 }));
      expect((lots as { total: number }).total).toBe(300);
      // A refused call in a load throws (and writes nothing).
      let code: unknown;
      try {
        bulk.fill(0, 1, true);
      } catch (e) {
        code = (e as { code?: unknown }).code;
      }
      expect(code).toBe('TRACE_EVENT_EXISTS');
      expect(rows(bulk)).toEqual(after);
    } finally {
      blocks.close();
      bulk.close();
      a.remove();
      b.remove();
    }
  }, 60_000);
});
