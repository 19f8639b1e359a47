import { join } from 'node:path';
import { getSuite, type KeyPair } from '../crypto/index.js';
import type { TeaParty } from '../demos/tea.js';
import {
  epcisDocument,
  PARTY_GLN,
  pickingEvent,
  TEA,
  TEA_GARDEN,
  TEA_PARTIES,
  TEA_PRODUCTS,
  teaSeason,
} from '../demos/tea-story.js';
import { toHex, utf8 } from '../encoding/index.js';
import { lotKey } from '../epcis/index.js';
import type { CborMap } from '../ledger/index.js';
import { traceModule } from '../modules/trace/index.js';
import { prepareDocument } from '../node/trace-recorder.js';
import type { TraceDocumentStore } from '../storage/index.js';
import { StoreChain } from './store-chain.js';

/** The bench ledger's chain id and first timestamp (a node serving its file uses the same chain). */
export const TRACE_BENCH_LEDGER = { chain: 'tea', timestamp: 1_743_000_000_000 } as const;

const fillerLot = (j: number): string => `B${String(j).padStart(8, '0')}`;

/**
 * The trace benchmark's ledger: the tea story's registry (its parties, its garden, a bench garden
 * large enough for a million lots, the products) on a StoreChain in `dir`, the season recorded
 * in real blocks, and filler origin events — each a new lot picked at the bench garden — written
 * in committed blocks or bulk-loaded (StoreChain.load: the same module code, state rows only).
 */
export class TraceBenchChain {
  readonly suite = getSuite('ed25519');
  readonly chain: StoreChain;
  /** The parties' keys (made on first use; given, two chains record as the same accounts). */
  readonly keys: Map<TeaParty, KeyPair>;

  constructor(dir: string, keys: ReadonlyMap<TeaParty, KeyPair> = new Map()) {
    this.keys = new Map(keys);
    this.chain = new StoreChain(this.suite, [traceModule], {
      path: join(dir, 'main.sqlite'),
      timestamp: TRACE_BENCH_LEDGER.timestamp,
      chain: TRACE_BENCH_LEDGER.chain,
    });
    this.register();
  }

  key(p: TeaParty): KeyPair {
    let k = this.keys.get(p);
    if (k === undefined) {
      k = this.suite.generateKeyPair();
      this.keys.set(p, k);
    }
    return k;
  }

  /** One block of `calls` of trace.`method`; throws on a failed receipt. */
  run(calls: readonly [TeaParty, CborMap][], method = 'record'): void {
    const mc = this.chain;
    const r = mc.run(calls.map(([p, args]) => mc.tx(this.key(p), 'trace', method, args)));
    for (const x of r.receipts)
      if (x.status !== 'ok') throw new Error(`${method}: ${x.status} ${x.message ?? ''}`);
  }

  private register(): void {
    for (const p of ['garden', 'factory', 'packer', 'logistics', 'shop'] as const) {
      const party = TEA_PARTIES[p];
      const args = {
        id: party.id,
        name: party.name,
        kind: party.kind,
        accounts: [this.suite.address(this.key(p).publicKey)],
        publish: true,
        gln: PARTY_GLN[p],
      };
      this.run([['admin', args]], 'registerParticipant');
    }
    const garden = { ...TEA_GARDEN, owner: TEA_PARTIES.garden.id, gln: TEA.gln.garden };
    this.run([['admin', garden]], 'registerGarden');
    const bench = {
      id: 'bench-01',
      owner: TEA_PARTIES.garden.id,
      name: 'bench garden',
      gln: TEA.gln.outsideGarden,
      areaM2: 1_000_000_000,
      yieldGramsPerM2: 100_000,
    };
    this.run([['admin', bench]], 'registerGarden');
    for (const { key: k, ...rest } of TEA_PRODUCTS)
      this.run([['admin', { ...rest, gtin: TEA.gtin[k] } as CborMap]], 'registerProduct');
  }

  /**
   * The season, prepared as a recording node does (schema, hash, summary), one block per event;
   * its documents kept in `store` for the resolver. The number of events recorded.
   */
  recordSeason(store: TraceDocumentStore): number {
    let kept = 0;
    for (const [who, e] of teaSeason()) {
      for (const p of prepareDocument(epcisDocument([e]))) {
        this.run([[who, p.args]]);
        store.put([
          { group: 'main', hash: toHex(p.digest), event: p.event, ignore: p.ignore, height: 0, tx: '' },
        ]);
        kept++;
      }
    }
    return kept;
  }

  /** Filler event `j`: a new 100 g lot picked at the bench garden (a `trace.record` argument map). */
  filler(j: number): CborMap {
    return {
      hash: this.suite.hash(utf8(`bench event ${j}`)),
      type: 'ObjectEvent',
      action: 'ADD',
      eventTime: 1_746_000_000_000 + j * 1000,
      bizStep: 'commissioning',
      location: `414/${TEA.gln.outsideGarden}`,
      season: TEA.season,
      ids: [{ role: 'quantity', key: lotKey(TEA.gtin.fresh, fillerLot(j)), grams: 100 }],
    };
  }

  /**
   * Filler events `from` … `from + n − 1`, in one block (`bulk`: bulk-loaded, state rows only);
   * with `store`, each one's document kept there too, as the recording node keeps it: a picking
   * event of the tea story's size (sensor readings, ILMD) under the filler's ledger hash. These are
   * never in a tin's trace, so never re-hashed; they are there so that the resolver's document
   * reads go through a store of the ledger's size.
   */
  fill(from: number, n: number, bulk: boolean, store?: TraceDocumentStore): void {
    const calls = Array.from({ length: n }, (_, i): [TeaParty, CborMap] => ['garden', this.filler(from + i)]);
    const mc = this.chain;
    if (bulk) mc.load(calls.map(([p, args]) => mc.tx(this.key(p), 'trace', 'record', args)));
    else this.run(calls);
    store?.put(
      calls.map(([, args], i) => ({
        group: 'main',
        hash: toHex(args.hash as Uint8Array),
        event: this.fillerDocument(from + i),
        ignore: [],
        height: mc.latest.height,
        tx: '',
      })),
    );
  }

  /** The document of filler event `j`. */
  private fillerDocument(j: number): Record<string, unknown> {
    return pickingEvent({
      lot: fillerLot(j),
      kg: 0.1,
      time: new Date(1_746_000_000_000 + j * 1000).toISOString().replace('Z', '+00:00'),
      gardenGln: TEA.gln.outsideGarden,
    });
  }

  close(): void {
    this.chain.close();
  }
}
