import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTracePage } from '../api/routes/trace-page.js';
import { TraceResolver } from '../api/routes/trace-view.js';
import { TEA, tinSerial } from '../demos/tea-story.js';
import { ServedDocuments } from '../node/trace-recorder.js';
import { TRACE_DOCUMENTS_FILE, TraceDocumentStore } from '../storage/index.js';
import { pct, round } from './funds.js';
import { TraceBenchChain } from './trace-bench-chain.js';

export interface TraceGrowthOptions {
  /** Events on the ledger at which the resolver is timed, ascending (default 1,000 / 10,000 / 50,000). */
  readonly sizes?: readonly number[];
  /** Resolutions timed per size and answer kind (default 200). */
  readonly resolutions?: number;
  /** Events per block of the fill (default 10,000 bulk-loaded, 2,000 in real blocks). */
  readonly blockTxs?: number;
  /**
   * How the filler events reach the ledger: `bulk` (default) through the module's own parse,
   * check and apply with only the state rows written (StoreChain.load), or `blocks`, executed and
   * committed as a node commits them.
   */
  readonly fill?: 'bulk' | 'blocks';
  /** Keep each filler event's document in the node's document store too (default true). */
  readonly documents?: boolean;
  readonly log?: (message: string) => void;
}

export interface TraceGrowthRow {
  readonly events: number;
  /** Filler events written per second on the way to this size (the fill mode's rate). */
  readonly fillPerSec: number;
  /** Each tin's first answer on a fresh resolver (nothing remembered, every document re-hashed). */
  readonly coldMs: { readonly p50: number; readonly max: number; readonly n: number };
  readonly jsonMs: { readonly p50: number; readonly p99: number };
  /**
   * CPU time of the same JSON answers (the process's user + system time around each): what the
   * answer costs, without the time the scheduler gave other processes meanwhile.
   */
  readonly jsonCpuMs: { readonly p50: number; readonly p99: number };
  readonly pageMs: { readonly p50: number; readonly p99: number };
  /**
   * The machine's own noise in the same run: a fixed piece of work (SHA-256 over 64 KiB blocks,
   * as many as take about as long as one JSON answer: `fixedBlocks`) timed as often, interleaved
   * with the answers. On a loaded machine its p99 is the scheduler's, as is most of the answers'
   * p99; compare the two rather than reading either alone.
   */
  readonly fixedMs: { readonly p50: number; readonly p99: number };
  readonly fixedBlocks: number;
  /** Documents in the node's document store. */
  readonly documents: number;
}

/**
 * The Digital Link resolver's work as the ledger grows: the tea season's 40 tins resolved to their
 * JSON trace and to the consumer page (the route's own code: `TraceResolver.view` — the ledger's
 * trace, the product, the scans, every served document checked against its re-hash — then JSON
 * text or `renderTracePage`), over a ledger filled with origin events (each a new lot at a bench
 * garden, TraceBenchChain) on the node's own storage (GroupStore, SQLite in a temporary directory;
 * the documents in a TraceDocumentStore): bulk-loaded through the module's own code by default,
 * or executed and committed block by block; pre-verified transactions, no schema or hash work in
 * the fill. Per size: each tin's first answer from a fresh resolver (nothing remembered),
 * then `resolutions` answers of each kind over the tins in turn. HTTP and Fastify are not in it.
 */
export function benchTraceGrowth(o: TraceGrowthOptions = {}): { rows: TraceGrowthRow[]; peakRssMb: number } {
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-trace-growth-'));
  const bench = new TraceBenchChain(dir);
  const suite = bench.suite;
  // The season's documents kept for the resolver in the node's document store (its SQLite file).
  const store = TraceDocumentStore.open(join(dir, TRACE_DOCUMENTS_FILE));
  const docs = (o.documents ?? true) ? store : undefined;
  const kept = bench.recordSeason(store);
  const group = bench.chain;
  const id = { gtin: TEA.gtin.tin, lot: TEA.lots.dry, serial: tinSerial(1) };
  const path = `/01/${id.gtin}/10/${id.lot}/21/${id.serial}`;

  let events = kept;
  const bulk = (o.fill ?? 'bulk') === 'bulk';
  const fillTo = (total: number): number => {
    const blockTxs = o.blockTxs ?? (bulk ? 10_000 : 2000);
    const from = events;
    const started = performance.now();
    while (events < total) {
      const n = Math.min(blockTxs, total - events);
      bench.fill(events, n, bulk, docs);
      events += n;
      if (events % 100_000 === 0) o.log?.(`trace growth: ${events} events`);
    }
    const s = (performance.now() - started) / 1000;
    return events === from ? 0 : Math.round((events - from) / s);
  };
  const time = (f: () => unknown, n: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      f();
      out.push(performance.now() - s);
    }
    return out.sort((a, b) => a - b);
  };
  const rows: TraceGrowthRow[] = [];
  const n = o.resolutions ?? 200;
  const tins = Array.from({ length: TEA.tins }, (_, i) => ({ ...id, serial: tinSerial(i + 1) }));
  for (const size of [...(o.sizes ?? [1000, 10_000, 50_000])].sort((a, b) => a - b)) {
    const fillPerSec = fillTo(size);
    // A node just started: nothing remembered, every tin's first answer computed and re-hashed.
    const resolver = new TraceResolver();
    const documents = new ServedDocuments(group, store);
    const base = 'http://127.0.0.1:8545';
    const cold = tins.map((tin) => {
      const s = performance.now();
      const v = resolver.view(group, documents, tin, base);
      JSON.stringify(v);
      const ms = performance.now() - s;
      if (v.verification.matched !== v.trace.events.length || v.trace.events.length < 12)
        throw new Error('a bench tin does not verify');
      return ms;
    });
    cold.sort((a, b) => a - b);
    // Then consumers scanning the tins in turn: JSON answers, consumer pages.
    let k = 0;
    const next = () => tins[k++ % tins.length] ?? id;
    const answer = () => JSON.stringify(resolver.view(group, documents, next(), base));
    // The fixed work sized to one answer: medians of a warm-up of each.
    const block = new Uint8Array(65_536);
    const fixedBlocks = Math.max(
      1,
      Math.round(
        pct(time(answer, 40), 50) /
          Math.max(
            pct(
              time(() => suite.hash(block), 40),
              50,
            ),
            1e-6,
          ),
      ),
    );
    const work = () => {
      for (let b = 0; b < fixedBlocks; b++) suite.hash(block);
    };
    const fixed: number[] = [];
    const json: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < n; i++) {
      fixed.push(...time(work, 1));
      const c = process.cpuUsage();
      json.push(...time(answer, 1));
      const d = process.cpuUsage(c);
      cpu.push((d.user + d.system) / 1000);
    }
    cpu.sort((a, b) => a - b);
    const page = time(() => renderTracePage(resolver.view(group, documents, next(), base), 'zh', path), n);
    fixed.sort((a, b) => a - b);
    json.sort((a, b) => a - b);
    rows.push({
      events,
      fillPerSec,
      coldMs: { p50: round(pct(cold, 50)), max: round(cold.at(-1) ?? 0), n: cold.length },
      jsonMs: { p50: round(pct(json, 50)), p99: round(pct(json, 99)) },
      jsonCpuMs: { p50: round(pct(cpu, 50)), p99: round(pct(cpu, 99)) },
      pageMs: { p50: round(pct(page, 50)), p99: round(pct(page, 99)) },
      fixedMs: { p50: round(pct(fixed, 50)), p99: round(pct(fixed, 99)) },
      fixedBlocks,
      documents: store.count('main'),
    });
    o.log?.(`trace growth: ${events} events, JSON p99 ${rows.at(-1)?.jsonMs.p99} ms`);
  }
  store.close();
  bench.close();
  rmSync(dir, { recursive: true, force: true });
  return { rows, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}
