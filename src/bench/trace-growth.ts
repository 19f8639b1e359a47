import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTracePage } from '../api/routes/trace-page.js';
import { TraceResolver } from '../api/routes/trace-view.js';
import { getSuite, type KeyPair } from '../crypto/index.js';
import type { TeaParty } from '../demos/tea.js';
import {
  epcisDocument,
  PARTY_GLN,
  TEA,
  TEA_GARDEN,
  TEA_PARTIES,
  TEA_PRODUCTS,
  teaSeason,
  tinSerial,
} from '../demos/tea-story.js';
import { toHex, utf8 } from '../encoding/index.js';
import { lotKey } from '../epcis/index.js';
import type { CborMap } from '../ledger/index.js';
import { traceModule } from '../modules/trace/index.js';
import { prepareDocument, ServedDocuments } from '../node/trace-recorder.js';
import { TraceDocumentStore } from '../storage/index.js';
import { pct, round } from './funds.js';
import { StoreChain } from './store-chain.js';

export interface TraceGrowthOptions {
  /** Events on the ledger at which the resolver is timed, ascending (default 1,000 / 10,000 / 50,000). */
  readonly sizes?: readonly number[];
  /** Resolutions timed per size and answer kind (default 200). */
  readonly resolutions?: number;
  readonly blockTxs?: number;
  readonly log?: (message: string) => void;
}

export interface TraceGrowthRow {
  readonly events: number;
  /** Each tin's first answer on a fresh resolver (nothing remembered, every document re-hashed). */
  readonly coldMs: { readonly p50: number; readonly max: number; readonly n: number };
  readonly jsonMs: { readonly p50: number; readonly p99: number };
  readonly pageMs: { readonly p50: number; readonly p99: number };
  /**
   * The machine's own noise in the same run: a fixed piece of work (SHA-256 of 64 KiB) timed as
   * often, interleaved with the answers. On a loaded machine its p99 is the scheduler's, as is
   * most of the answers' p99; compare the two rather than reading either alone.
   */
  readonly fixedMs: { readonly p50: number; readonly p99: number };
}

/**
 * The Digital Link resolver's work as the ledger grows: the tea season's 40 tins resolved to their
 * JSON trace and to the consumer page (the route's own code: `TraceResolver.view` — the ledger's
 * trace, the product, the scans, every served document checked against its re-hash — then JSON
 * text or `renderTracePage`), over a ledger filled with origin events (each a new lot at a bench
 * garden) on the real block executor and the node's own storage (GroupStore, SQLite in a temporary
 * directory; the documents in a TraceDocumentStore), pre-verified transactions, no schema or hash
 * work in the fill. Per size: each tin's first answer from a fresh resolver (nothing remembered),
 * then `resolutions` answers of each kind over the tins in turn. HTTP and Fastify are not in it.
 */
export function benchTraceGrowth(o: TraceGrowthOptions = {}): { rows: TraceGrowthRow[]; peakRssMb: number } {
  const suite = getSuite('ed25519');
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-trace-growth-'));
  const mc = new StoreChain(suite, [traceModule], {
    path: join(dir, 'main.sqlite'),
    timestamp: 1_743_000_000_000,
    chain: 'tea',
  });
  const keys = new Map<TeaParty, KeyPair>();
  const key = (p: TeaParty): KeyPair => {
    let k = keys.get(p);
    if (k === undefined) {
      k = suite.generateKeyPair();
      keys.set(p, k);
    }
    return k;
  };
  const run = (calls: readonly [TeaParty, CborMap][], method = 'record') => {
    const r = mc.run(calls.map(([p, args]) => mc.tx(key(p), 'trace', method, args)));
    for (const x of r.receipts)
      if (x.status !== 'ok') throw new Error(`${method}: ${x.status} ${x.message ?? ''}`);
  };
  for (const p of ['garden', 'factory', 'packer', 'logistics', 'shop'] as const) {
    const party = TEA_PARTIES[p];
    run(
      [
        [
          'admin',
          {
            id: party.id,
            name: party.name,
            kind: party.kind,
            accounts: [suite.address(key(p).publicKey)],
            publish: true,
            gln: PARTY_GLN[p],
          },
        ],
      ],
      'registerParticipant',
    );
  }
  run([['admin', { ...TEA_GARDEN, owner: TEA_PARTIES.garden.id, gln: TEA.gln.garden }]], 'registerGarden');
  const bench = {
    id: 'bench-01',
    owner: TEA_PARTIES.garden.id,
    name: 'bench garden',
    gln: TEA.gln.outsideGarden,
    areaM2: 1_000_000_000,
    yieldGramsPerM2: 100_000,
  };
  run([['admin', bench]], 'registerGarden');
  for (const { key: k, ...rest } of TEA_PRODUCTS)
    run([['admin', { ...rest, gtin: TEA.gtin[k] } as CborMap]], 'registerProduct');

  // The season, prepared as a recording node does; its documents kept for the resolver in the
  // node's document store (SQLite, in memory here).
  const store = TraceDocumentStore.open(':memory:');
  let kept = 0;
  for (const [who, e] of teaSeason()) {
    for (const p of prepareDocument(epcisDocument([e]))) {
      run([[who, p.args]]);
      store.put([
        { group: 'main', hash: toHex(p.digest), event: p.event, ignore: p.ignore, height: 0, tx: '' },
      ]);
      kept++;
    }
  }
  const group = mc;
  const id = { gtin: TEA.gtin.tin, lot: TEA.lots.dry, serial: tinSerial(1) };
  const path = `/01/${id.gtin}/10/${id.lot}/21/${id.serial}`;

  let events = kept;
  const fillTo = (total: number) => {
    const blockTxs = o.blockTxs ?? 2000;
    while (events < total) {
      const n = Math.min(blockTxs, total - events);
      const calls: [TeaParty, CborMap][] = [];
      for (let i = 0; i < n; i++) {
        const j = events + i;
        calls.push([
          'garden',
          {
            hash: suite.hash(utf8(`bench event ${j}`)),
            type: 'ObjectEvent',
            action: 'ADD',
            eventTime: 1_746_000_000_000 + j * 1000,
            bizStep: 'commissioning',
            location: `414/${TEA.gln.outsideGarden}`,
            season: TEA.season,
            ids: [
              { role: 'quantity', key: lotKey(TEA.gtin.fresh, `B${String(j).padStart(8, '0')}`), grams: 100 },
            ],
          },
        ]);
      }
      run(calls);
      events += n;
      if (events % 100_000 === 0) o.log?.(`trace growth: ${events} events`);
    }
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
    fillTo(size);
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
    const block = new Uint8Array(65_536);
    const fixed: number[] = [];
    const json: number[] = [];
    for (let i = 0; i < n; i++) {
      fixed.push(...time(() => suite.hash(block), 1));
      json.push(...time(() => JSON.stringify(resolver.view(group, documents, next(), base)), 1));
    }
    const page = time(() => renderTracePage(resolver.view(group, documents, next(), base), 'zh', path), n);
    fixed.sort((a, b) => a - b);
    json.sort((a, b) => a - b);
    rows.push({
      events,
      coldMs: { p50: round(pct(cold, 50)), max: round(cold.at(-1) ?? 0), n: cold.length },
      jsonMs: { p50: round(pct(json, 50)), p99: round(pct(json, 99)) },
      pageMs: { p50: round(pct(page, 50)), p99: round(pct(page, 99)) },
      fixedMs: { p50: round(pct(fixed, 50)), p99: round(pct(fixed, 99)) },
    });
    o.log?.(`trace growth: ${events} events, JSON p99 ${rows.at(-1)?.jsonMs.p99} ms`);
  }
  store.close();
  mc.close();
  rmSync(dir, { recursive: true, force: true });
  return { rows, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}
