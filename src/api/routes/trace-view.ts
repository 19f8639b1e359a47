import { toHex } from '../../encoding/index.js';
import { formatDigitalLink, lotKey, type ProductId, serialKey } from '../../epcis/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { GroupLedger } from '../../node/group-ledger.js';
import type { TraceRecorder } from '../../node/trace-recorder.js';
import type { StoredTraceEvent } from '../../storage/index.js';

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
}

/** The resolver view of `id` in `group` (TRACE_NOT_FOUND when the ledger does not know it). */
export function resolverView(
  // Only what it reads: the benchmark passes an in-memory chain and document map.
  g: Pick<GroupLedger, 'query' | 'group'>,
  recorder: Pick<TraceRecorder, 'served'>,
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
  const trace = g.query('trace', 'trace', { id: key }) as LedgerTraceView;
  const registry = g.query('trace', 'participants', {}) as {
    products: { gtin: string; name: string; unitGrams?: number }[];
    params: { maxScanPlaces: number };
  };
  const documents: Record<string, ServedDocument> = {};
  const mismatched: string[] = [];
  const missing: string[] = [];
  let matched = 0;
  for (const e of trace.events) {
    const s = recorder.served(e.hash);
    const doc: StoredTraceEvent | undefined = s.doc;
    if (doc === undefined) {
      missing.push(e.hash);
      continue;
    }
    documents[e.hash] = { event: doc.event, ignore: doc.ignore };
    if (s.matches) matched++;
    else mismatched.push(e.hash);
  }
  const product = registry.products.find((p) => p.gtin === id.gtin);
  return {
    group: g.group,
    id,
    key,
    link: formatDigitalLink(id, base),
    ...(product === undefined ? {} : { product }),
    trace,
    documents,
    verification: { checked: trace.events.length - missing.length, matched, mismatched, missing },
    maxScanPlaces: registry.params.maxScanPlaces,
  };
}

/** Short hex for display. */
export const shortHash = (h: string | Uint8Array): string =>
  (typeof h === 'string' ? h : toHex(h)).slice(0, 12);
