import { renderTracePage } from '../api/routes/trace-page.js';
import { resolverView } from '../api/routes/trace-view.js';
import { getSuite, type KeyPair } from '../crypto/index.js';
import type { TeaParty } from '../demos/tea.js';
import {
  epcisDocument,
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
import { prepareDocument, RehashMemo } from '../node/trace-recorder.js';
import type { StoredTraceEvent } from '../storage/index.js';
import { MemoryChain } from '../testing/index.js';
import { pct, round } from './funds.js';

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
  readonly jsonMs: { readonly p50: number; readonly p99: number };
  readonly pageMs: { readonly p50: number; readonly p99: number };
}

/**
 * The Digital Link resolver's work as the ledger grows: the tea season's tin resolved to its JSON
 * trace and to the consumer page (the route's own code: `resolverView` — the ledger's trace,
 * the registry, every served document re-hashed — then JSON text or `renderTracePage`), over a
 * ledger filled with origin events (each a new lot at a bench garden) on the real block executor
 * in memory (pre-verified transactions, no schema or hash work in the fill). HTTP, Fastify and
 * the node's SQLite reads are not in the figure.
 */
export function benchTraceGrowth(o: TraceGrowthOptions = {}): { rows: TraceGrowthRow[]; peakRssMb: number } {
  const suite = getSuite('ed25519');
  const mc = new MemoryChain({ suite, modules: [traceModule], timestamp: 1_743_000_000_000, chain: 'tea' });
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
    const r = mc.run(calls.map(([p, args]) => mc.tx(key(p), 'trace', method, args, { sign: false })));
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

  // The season, prepared as a recording node does; its documents kept for the resolver.
  const docs = new Map<string, StoredTraceEvent>();
  for (const [who, e] of teaSeason()) {
    for (const p of prepareDocument(epcisDocument([e]))) {
      run([[who, p.args]]);
      const hash = toHex(p.digest);
      docs.set(hash, {
        group: 'main',
        hash,
        event: p.event,
        ignore: p.ignore,
        // Where and when a node stored it: not read by the resolver.
        height: 0,
        tx: '',
        storedAt: 0,
      });
    }
  }
  // The recorder's `served`, over the in-memory documents: the same (memoised) re-hash against the ledger.
  const memo = new RehashMemo();
  const recorder = {
    served(hashHex: string) {
      const doc = docs.get(hashHex);
      let onLedger = true;
      try {
        mc.query('trace', 'event', { hash: hashHex });
      } catch {
        onLedger = false;
      }
      if (doc === undefined) return { onLedger, matches: false };
      return { doc, onLedger, matches: onLedger && memo.digest(hashHex, doc) === hashHex };
    },
  };
  const group = {
    group: 'main',
    query: (m: string, n: string, a: Readonly<Record<string, unknown>>) => mc.query(m, n, a),
  };
  const id = { gtin: TEA.gtin.tin, lot: TEA.lots.dry, serial: tinSerial(1) };
  const path = `/01/${id.gtin}/10/${id.lot}/21/${id.serial}`;

  let events = docs.size;
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
  for (const size of [...(o.sizes ?? [1000, 10_000, 50_000])].sort((a, b) => a - b)) {
    fillTo(size);
    const view = () => resolverView(group, recorder, id, 'http://127.0.0.1:8545');
    if (view().verification.matched !== docs.size) throw new Error('the bench tin does not verify');
    time(() => JSON.stringify(view()), 5);
    const json = time(() => JSON.stringify(view()), n);
    const page = time(() => renderTracePage(view(), 'zh', path), n);
    rows.push({
      events,
      jsonMs: { p50: round(pct(json, 50)), p99: round(pct(json, 99)) },
      pageMs: { p50: round(pct(page, 50)), p99: round(pct(page, 99)) },
    });
    o.log?.(`trace growth: ${events} events, JSON p99 ${rows.at(-1)?.jsonMs.p99} ms`);
  }
  return { rows, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}
