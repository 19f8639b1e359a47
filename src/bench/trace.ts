import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../api/index.js';
import { recordTeaSeason, TeaNet } from '../demos/tea.js';
import { epcisDocument, pickingEvent, TEA, TEA_PARTIES, tinSerial } from '../demos/tea-story.js';
import { GongzhiError } from '../errors/index.js';
import { prepareDocument } from '../node/trace-recorder.js';

export interface BenchTraceOptions {
  /** Events recorded in the timed run (default 2,000). */
  readonly events?: number;
  /** Events per EPCIS document (default 50). */
  readonly perDocument?: number;
  /** Resolver requests for the latency figures (default 200 each, JSON and page). */
  readonly resolutions?: number;
  readonly log?: (message: string) => void;
}

export interface TraceBenchResult {
  /** Client side: schema validation + CBV 2.0 hash + summary, events per second (one core). */
  readonly preparedPerSec: number;
  /** Recording node: validation, hashing, summary check, ledger rules, commit and document store. */
  readonly recordedPerSec: number;
  readonly events: number;
  readonly perDocument: number;
  /** Resolver latency of a tin's trace (JSON and consumer page), ms. */
  readonly resolveJsonMs: { readonly p50: number; readonly p99: number };
  readonly resolvePageMs: { readonly p50: number; readonly p99: number };
  /** Events on the ledger when resolving. */
  readonly ledgerEvents: number;
}

function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Documents of `perDocument` picking events, each a new 100 g lot at the bench garden: every event
 * goes through the origin rules (garden, owner, product, capacity, no double commissioning).
 */
function pickings(total: number, perDocument: number): unknown[] {
  const docs: unknown[] = [];
  const t0 = Date.parse('2025-05-01T00:00:00Z');
  for (let i = 0; i < total; i += perDocument) {
    const events = [];
    for (let j = i; j < Math.min(total, i + perDocument); j++) {
      const time = new Date(t0 + j * 1000).toISOString().replace('Z', '+08:00');
      events.push(
        pickingEvent({
          lot: `B${String(j).padStart(7, '0')}`,
          kg: 0.1,
          time,
          gardenGln: TEA.gln.outsideGarden,
        }),
      );
    }
    docs.push(epcisDocument(events));
  }
  return docs;
}

/**
 * Traceability: events per second prepared by a client (schema validation + hash + summary) and
 * recorded by a node (the same again, the ledger rules, commit, the document store), on a real
 * in-process node over SQLite; then the resolver's latency for a tin's trace.
 */
export async function benchTrace(opts: BenchTraceOptions = {}): Promise<TraceBenchResult> {
  const total = opts.events ?? 2000;
  const perDocument = opts.perDocument ?? 50;
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-bench-trace-'));
  const net = await TeaNet.start({ dataDir: dir });
  try {
    await recordTeaSeason(net);
    // A garden big enough for any bench size (the story's own yields 1,200 kg a season).
    await net.ok('admin', 'registerGarden', {
      id: 'bench-01',
      owner: TEA_PARTIES.garden.id,
      name: 'bench garden',
      gln: TEA.gln.outsideGarden,
      areaM2: 1_000_000_000,
      yieldGramsPerM2: 100_000,
    });
    const docs = pickings(total, perDocument);

    let t = performance.now();
    let prepared = 0;
    for (const d of docs) prepared += prepareDocument(d).length;
    const preparedPerSec = prepared / ((performance.now() - t) / 1000);
    log(`trace: prepared ${prepared} events (validate, hash, summarise)`);

    const signed = docs.map((d) => ({ d, txs: net.sign('garden', d) }));
    t = performance.now();
    let recorded = 0;
    // Documents in flight together, as several recording clients would post them.
    const inFlight = 4;
    for (let i = 0; i < signed.length; i += inFlight) {
      const batch = signed.slice(i, i + inFlight);
      const results = await Promise.all(batch.map((s) => net.recorder.record(s.d, s.txs, 60_000)));
      for (const r of results.flat()) {
        if (r.status !== 'ok')
          throw new GongzhiError('EXEC_INTERNAL', `bench event refused: ${r.status} ${r.message ?? ''}`);
        recorded++;
      }
    }
    const recordedPerSec = recorded / ((performance.now() - t) / 1000);
    log(`trace: recorded ${recorded} events`);

    // One client on purpose: the per-client rate limit (500/s) would refuse the bench's lookups.
    const server = await startServer(net.node, { host: '127.0.0.1', port: 0, limits: { ratePerSecond: 0 } });
    const path = `${server.url}/01/${TEA.gtin.tin}/10/${TEA.lots.dry}/21/${tinSerial(1)}`;
    const time = async (accept: string, n: number): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const s = performance.now();
        const r = await fetch(path, { headers: { accept } });
        await r.arrayBuffer();
        if (r.status !== 200) throw new GongzhiError('EXEC_INTERNAL', `resolver answered ${r.status}`);
        out.push(performance.now() - s);
      }
      return out.sort((a, b) => a - b);
    };
    try {
      const n = opts.resolutions ?? 200;
      await time('application/json', 5);
      const json = await time('application/json', n);
      const page = await time('text/html', n);
      const ledgerEvents = (net.query('events', { limit: '1' }) as { total: number }).total;
      return {
        preparedPerSec: Math.round(preparedPerSec),
        recordedPerSec: Math.round(recordedPerSec),
        events: recorded,
        perDocument,
        resolveJsonMs: { p50: round2(pct(json, 50)), p99: round2(pct(json, 99)) },
        resolvePageMs: { p50: round2(pct(page, 50)), p99: round2(pct(page, 99)) },
        ledgerEvents,
      };
    } finally {
      await server.close();
    }
  } finally {
    await net.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
