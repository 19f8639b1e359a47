import type { CryptoSuite } from '../../crypto/index.js';
import { toHex } from '../../encoding/index.js';
import { formatDigitalLink, lotKey, type ProductId, serialKey } from '../../epcis/index.js';
import { GongzhiError } from '../../errors/index.js';
import { QueryArgs } from '../../execution/index.js';
import { resolverReads, traceModule } from '../../modules/trace/index.js';
import type { ServedDocuments } from '../../node/trace-recorder.js';
import type { ScanOutcome } from '../../node/trace-scans.js';
import type { StateReader } from '../../state/index.js';
import type { StoredTraceEvent } from '../../storage/index.js';
import { ReadSetMemo } from './read-set-memo.js';

/**
 * What the resolver answers for a product identifier: the ledger's trace of it, the full event
 * documents this node keeps, and the node's own re-hash of them. The consumer page embeds the
 * same object and re-hashes the documents again in the browser.
 */

/** One event of a trace as the ledger has it (the `trace.trace` query's view). */
export interface LedgerEventView {
  readonly hash: string;
  readonly hashUri: string;
  readonly type: string;
  readonly action?: string;
  readonly eventTime: number;
  readonly bizStep: string;
  readonly location?: string;
  readonly recorder: string;
  readonly height: number;
  readonly ids: readonly { role: string; key: string; grams?: number; units?: number }[];
}

/** The `trace.trace` query's result. */
export interface LedgerTraceView {
  readonly id: string;
  readonly items: readonly {
    key: string;
    kind: string;
    grams: number;
    remaining: number;
    origins: string[];
    season?: string;
    createdBy: string;
    sold?: { by: string; eventTime: number };
  }[];
  readonly events: readonly LedgerEventView[];
  readonly gardens: readonly {
    id: string;
    owner: string;
    name: string;
    gln: string;
    region: string;
    areaM2: number;
    yieldGramsPerM2: number;
    capacityGrams: number;
    harvested: { season: string; grams: number }[];
  }[];
  readonly participants: readonly { id: string; kind: string; name?: string }[];
  readonly scans: { count: number; places: string[]; distinct: number; flagged: boolean };
  readonly truncated: boolean;
}

/** A served document: the event, the fields left out of its hash. */
export interface ServedDocument {
  readonly event: Record<string, unknown>;
  readonly ignore: readonly string[];
}

export interface ResolverView {
  readonly group: string;
  readonly id: ProductId;
  /** The ledger key resolved (the serial's, else the lot's). */
  readonly key: string;
  /** This identifier on this resolver. */
  readonly link: string;
  readonly product?: { gtin: string; name: string; unitGrams?: number };
  readonly trace: LedgerTraceView;
  /** Event documents this node serves, by hex hash. */
  readonly documents: Readonly<Record<string, ServedDocument>>;
  /** The node's own check: every event it serves re-hashed and compared with the ledger. */
  readonly verification: {
    readonly checked: number;
    readonly matched: number;
    readonly mismatched: readonly string[];
    readonly missing: readonly string[];
  };
  /** Maximum places before a serial is flagged (the module parameter). */
  readonly maxScanPlaces: number;
  /** What became of this resolution as a consumer scan (a serial's, unless `?scan=0`). */
  readonly scan?: ScanOutcome;
}

/** What the resolver reads of a group: its committed state (GroupLedger; the benchmark's chain in memory). */
export interface ResolverLedger {
  readonly group: string;
  readonly suite: CryptoSuite;
  readonly latest: { readonly height: number };
  stateReader(): StateReader;
}

function runQuery(
  g: ResolverLedger,
  state: StateReader,
  name: string,
  args: Record<string, unknown>,
): unknown {
  const q = traceModule.queries[name];
  if (q === undefined) throw new GongzhiError('API_INTERNAL', `no trace query ${name}`);
  return q.run({ state, suite: g.suite, group: g.group, height: g.latest.height }, new QueryArgs(args));
}

/**
 * The Digital Link resolver of one group: the ledger's trace of an identifier (remembered with the
 * state it read, ReadSetMemo: a repeat answer re-reads those keys' bytes instead of decoding and
 * walking every record again), the documents this node serves, and their re-hash.
 */
export class TraceResolver {
  private readonly memo = new ReadSetMemo<LedgerTraceView>();

  /** The resolver view of `id` (TRACE_NOT_FOUND when the ledger does not know it). */
  view(
    g: ResolverLedger,
    documents: Pick<ServedDocuments, 'served'>,
    id: ProductId,
    base: string,
  ): ResolverView {
    const key =
      id.serial !== undefined
        ? serialKey(id.gtin, id.serial)
        : id.lot !== undefined
          ? lotKey(id.gtin, id.lot)
          : undefined;
    if (key === undefined)
      throw new GongzhiError('TRACE_BAD_ID', 'give a lot or a serial: /01/<gtin>/10/<lot>[/21/<serial>]');
    const state = g.stateReader();
    const scansKey = resolverReads.scansKey(key);
    const ledger = this.memo.get(
      key,
      state,
      (s) => runQuery(g, s, 'trace', { id: key }) as LedgerTraceView,
      (k) => k === scansKey,
    );
    // Scans change with every consumer scan: read fresh, the rest of the trace remembered.
    const trace: LedgerTraceView = { ...ledger, scans: resolverReads.scans(state, key) };
    const served: Record<string, ServedDocument> = {};
    const mismatched: string[] = [];
    const missing: string[] = [];
    let matched = 0;
    for (const e of trace.events) {
      // The event is on the ledger: it came from the ledger's trace.
      const s = documents.served(e.hash, true);
      const doc: StoredTraceEvent | undefined = s.doc;
      if (doc === undefined) {
        missing.push(e.hash);
        continue;
      }
      served[e.hash] = { event: doc.event, ignore: doc.ignore };
      if (s.matches) matched++;
      else mismatched.push(e.hash);
    }
    const product = resolverReads.product(state, id.gtin);
    return {
      group: g.group,
      id,
      key,
      link: formatDigitalLink(id, base),
      ...(product === undefined ? {} : { product }),
      trace,
      documents: served,
      verification: { checked: trace.events.length - missing.length, matched, mismatched, missing },
      maxScanPlaces: resolverReads.maxScanPlaces(state),
    };
  }
}

/** Short hex for display. */
export const shortHash = (h: string | Uint8Array): string =>
  (typeof h === 'string' ? h : toHex(h)).slice(0, 12);
