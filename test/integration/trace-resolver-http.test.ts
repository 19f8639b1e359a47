import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderTracePage } from '../../src/api/routes/trace-page.js';
import { type ResolverView, TraceResolver } from '../../src/api/routes/trace-view.js';
import { TraceBenchChain } from '../../src/bench/trace-bench-chain.js';
import { benchTraceGrowth } from '../../src/bench/trace-growth.js';
import { TraceHttpNode } from '../../src/bench/trace-http.js';
import { TEA, tinSerial } from '../../src/demos/tea-story.js';
import type { ProductId } from '../../src/epcis/index.js';
import { ServedDocuments } from '../../src/node/trace-recorder.js';
import { TRACE_DOCUMENTS_FILE, TraceDocumentStore } from '../../src/storage/index.js';
import { tempDir } from '../helpers/fixtures.js';

/**
 * The trace growth bench's HTTP leg: a real node's API server over the bench's data directory
 * answers the resolver route with exactly what the resolver computes in process over the same
 * files, including events the bench wrote after the node started; `?scan=0` writes nothing.
 */

const pathOf = (id: ProductId): string =>
  `/01/${id.gtin}${id.lot === undefined ? '' : `/10/${id.lot}`}${id.serial === undefined ? '' : `/21/${id.serial}`}`;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('trace resolver over HTTP on the bench ledger', () => {
  it('answers JSON and the page equal to the in-process resolver, and sees the bench’s later writes', async () => {
    const tmp = tempDir('gongzhi-trace-http-');
    const http = await TraceHttpNode.start(tmp.dir);
    const bench = new TraceBenchChain(tmp.dir);
    const store = TraceDocumentStore.open(join(tmp.dir, TRACE_DOCUMENTS_FILE));
    cleanup = async () => {
      await http.close();
      store.close();
      bench.close();
      tmp.remove();
    };
    bench.recordSeason(store);
    bench.fill(0, 1000, true, store);
    const g = bench.chain;
    const local = (id: ProductId): ResolverView =>
      new TraceResolver().view(g, new ServedDocuments(g, store), id, http.url);
    const ids: ProductId[] = [
      { gtin: TEA.gtin.tin, lot: TEA.lots.dry, serial: tinSerial(1) },
      { gtin: TEA.gtin.tin, lot: TEA.lots.dry, serial: tinSerial(40) },
      { gtin: TEA.gtin.dry, lot: TEA.lots.dry },
      { gtin: TEA.gtin.fresh, lot: TEA.lots.fresh },
    ];
    const check = async (id: ProductId) => {
      const want = local(id);
      const got = JSON.parse(await http.get(pathOf(id), 'json')) as ResolverView;
      expect(got).toEqual(JSON.parse(JSON.stringify(want)));
      expect(got.scan).toBeUndefined();
      expect(await http.get(pathOf(id), 'html')).toBe(renderTracePage(want, 'zh', pathOf(id)));
      return got;
    };
    for (const id of ids) {
      const got = await check(id);
      expect(got.verification.mismatched).toEqual([]);
      expect(got.verification.matched).toBe(got.trace.events.length);
    }
    const tin = await check(ids[0] as ProductId);
    expect(tin.trace.events.length).toBeGreaterThanOrEqual(12);
    // `?scan=0`: the resolutions above recorded no scan.
    expect(tin.trace.scans.count).toBe(0);

    // A filler lot written by the bench after the node started resolves on the node.
    const filler: ProductId = { gtin: TEA.gtin.fresh, lot: 'B00001200' };
    const before = await fetch(`${http.url}${pathOf(filler)}?scan=0`, {
      headers: { accept: 'application/json' },
    });
    expect(before.status).toBe(404);
    expect(((await before.json()) as { error: { code: string } }).error.code).toBe('TRACE_NOT_FOUND');
    bench.fill(1000, 500, true, store);
    const got = await check(filler);
    expect(got.trace.events).toHaveLength(1);
    // A filler's document stands in under a made-up ledger hash (TraceBenchChain.fill): both
    // resolvers find it served and not matching.
    expect(got.verification.mismatched).toHaveLength(1);
    // The season's answers are unchanged by the fill.
    await check(ids[0] as ProductId);
  }, 60_000);

  it('the bench times both answers over one keep-alive connection after checking them', async () => {
    const r = await benchTraceGrowth({ sizes: [1000], resolutions: 20 });
    expect(r.rows).toHaveLength(1);
    const h = r.rows[0]?.http;
    expect(h).toBeDefined();
    if (h === undefined) return;
    // Each of the 40 tins, JSON and page.
    expect(h.checked).toBe(TEA.tins * 2);
    // Kept alive: 120 requests on at most two sockets (fetch's pool may open a second one when a
    // request goes out before the previous answer's socket is back in the pool; seen once, at start).
    expect(h.connections).toBeGreaterThanOrEqual(1);
    expect(h.connections).toBeLessThanOrEqual(2);
    expect(h.jsonMs.p50).toBeGreaterThan(0);
    expect(h.jsonMs.p99).toBeGreaterThanOrEqual(h.jsonMs.p50);
    expect(h.pageMs.p99).toBeGreaterThanOrEqual(h.pageMs.p50);
  }, 60_000);
});
