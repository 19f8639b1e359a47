import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { renderTracePage } from '../api/routes/trace-page.js';
import { TraceResolver } from '../api/routes/trace-view.js';
import { TEA, tinSerial } from '../demos/tea-story.js';
import { ServedDocuments } from '../node/trace-recorder.js';
import { TRACE_DOCUMENTS_FILE, TraceDocumentStore } from '../storage/index.js';
import { pct, round } from './funds.js';
import { TraceBenchChain } from './trace-bench-chain.js';
import { type TraceAnswerKind, TraceHttpNode } from './trace-http.js';

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
  /** Time the resolver route over HTTP too, on a real node's API server (default true). */
  readonly http?: boolean;
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
  /** The same answers through the real route over a socket (absent with `http: false`). */
  readonly http?: TraceHttpRow;
}

/**
 * The resolver route timed over HTTP: `GET /01/<gtin>/10/<lot>/21/<serial>?scan=0` with
 * `Accept: application/json` and with `Accept: text/html`, one request at a time on a keep-alive
 * client, each from sending the request to the last byte of the body read.
 */
export interface TraceHttpRow {
  readonly jsonMs: { readonly p50: number; readonly p99: number };
  readonly pageMs: { readonly p50: number; readonly p99: number };
  /** Sockets the server accepted for this size's requests (1 when the client kept its connection). */
  readonly connections: number;
  /** Answers (each tin, both kinds) found equal to the in-process answers before timing. */
  readonly checked: number;
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
 * then `resolutions` answers of each kind over the tins in turn.
 *
 * Over HTTP (`http`, default on): the same ledger served by a real GongzhiNode and its real API
 * server (TraceHttpNode: started on the data directory before the bench writes to it, because the
 * bench's ledger has no genesis block a node could open afterwards; the route is the real
 * `traceRoutes` of `startServer`, reading the same SQLite files through the node's own
 * connections). Per size, every tin's JSON and page over HTTP are first checked equal to the
 * in-process answers (a difference throws), then `resolutions` requests of each kind are timed.
 * Client and server share this process's event loop, so an HTTP time is the route's work, Fastify,
 * the loopback socket and undici's parse of the answer together.
 */
export async function benchTraceGrowth(
  o: TraceGrowthOptions = {},
): Promise<{ rows: TraceGrowthRow[]; peakRssMb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-trace-growth-'));
  // Before the bench's chain: the node writes its genesis at height 0 of the file (see TraceHttpNode).
  const http = (o.http ?? true) ? await TraceHttpNode.start(dir) : undefined;
  try {
    return await run(o, dir, http);
  } finally {
    await http?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(
  o: TraceGrowthOptions,
  dir: string,
  http: TraceHttpNode | undefined,
): Promise<{ rows: TraceGrowthRow[]; peakRssMb: number }> {
  const bench = new TraceBenchChain(dir);
  const suite = bench.suite;
  // The season's documents kept for the resolver in the node's document store (its SQLite file).
  const store = TraceDocumentStore.open(join(dir, TRACE_DOCUMENTS_FILE));
  const docs = (o.documents ?? true) ? store : undefined;
  const kept = bench.recordSeason(store);
  const group = bench.chain;
  const id = { gtin: TEA.gtin.tin, lot: TEA.lots.dry, serial: tinSerial(1) };
  const pathOf = (t: typeof id) => `/01/${t.gtin}/10/${t.lot}/21/${t.serial}`;
  const path = pathOf(id);

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
    const base = http?.url ?? 'http://127.0.0.1:8545';
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
    const httpRow =
      http === undefined
        ? undefined
        : await timeHttp(http, tins.map(pathOf), n, (kind, i) => {
            const tin = tins[i] ?? id;
            const v = resolver.view(group, documents, tin, base);
            return kind === 'json' ? JSON.stringify(v) : renderTracePage(v, 'zh', pathOf(tin));
          });
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
      ...(httpRow === undefined ? {} : { http: httpRow }),
    });
    o.log?.(
      `trace growth: ${events} events, JSON p99 ${rows.at(-1)?.jsonMs.p99} ms` +
        (httpRow === undefined ? '' : `, over HTTP ${httpRow.jsonMs.p99} ms`),
    );
  }
  store.close();
  bench.close();
  return { rows, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

/**
 * Each tin's two answers over HTTP checked against `inProcess(kind, i)` (the JSON compared as
 * parsed values, the page as text; a difference throws), then `n` requests of each kind timed.
 */
async function timeHttp(
  http: TraceHttpNode,
  paths: readonly string[],
  n: number,
  inProcess: (kind: TraceAnswerKind, i: number) => string,
): Promise<TraceHttpRow> {
  const before = http.connections;
  let checked = 0;
  for (const kind of ['json', 'html'] as const) {
    for (const [i, p] of paths.entries()) {
      const got = await http.get(p, kind);
      const want = inProcess(kind, i);
      const same = kind === 'json' ? sameJson(got, want) : got === want;
      if (!same) throw new Error(`the HTTP ${kind} answer of ${p} differs from the in-process answer`);
      checked++;
    }
  }
  const json = await http.time(paths, 'json', n);
  const page = await http.time(paths, 'html', n);
  return {
    jsonMs: { p50: round(pct(json, 50)), p99: round(pct(json, 99)) },
    pageMs: { p50: round(pct(page, 50)), p99: round(pct(page, 99)) },
    connections: http.connections - before,
    checked,
  };
}

/** Two JSON texts of the same value (key order aside: Fastify's serializer may order keys its own way). */
function sameJson(a: string, b: string): boolean {
  return isDeepStrictEqual(JSON.parse(a), JSON.parse(b));
}
