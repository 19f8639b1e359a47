import type { KeyPair } from '../crypto/index.js';
import { bytesEqual, encodeCanonical, toHex } from '../encoding/index.js';
import {
  documentEvents,
  documentIgnoreFields,
  hashDocument,
  hashEvent,
  SummaryError,
  summarizeEvent,
  validateEpcis,
} from '../epcis/index.js';
import { GongzhiError, isGongzhiError } from '../errors/index.js';
import { type CborMap, decodeTx, encodeTx, signTx } from '../ledger/index.js';
import { recordArgsFromSummary } from '../modules/trace/index.js';
import type { StoredTraceEvent, TraceDocumentStore } from '../storage/index.js';
import type { GroupLedger } from './group-ledger.js';

/**
 * The recording organisation's side of traceability: an EPCIS document is validated against the
 * schema, each event hashed (CBV 2.0) and summarised into `trace.record` arguments; the signed
 * transactions are checked against the events (same hash, same summary), submitted, and the full
 * documents of the events that committed are kept, to be served and re-hashed by anyone.
 */

/**
 * Re-hash results by event hash, with the stored text each document was parsed from: the CBV 2.0
 * hash of a tin's 13 events was most of a resolver answer (≈ 47 of ≈ 51 ms under load), and
 * parsing the stored JSON again on every answer was most of the rest. A stored document that
 * changes (a tampered row) has another text, so it is parsed and hashed again. At most `max`
 * results are kept, the oldest dropped first.
 */
export class RehashMemo {
  private readonly memo = new Map<
    string,
    { readonly text: string; readonly doc: StoredTraceEvent; readonly digest: string }
  >();

  constructor(private readonly max = 10_000) {}

  /**
   * The document kept under `hashHex` whose stored text is `text`, and its hex CBV 2.0 digest;
   * `load` parses the stored row (called only for a text not seen before).
   */
  lookup(
    hashHex: string,
    text: string,
    load: () => StoredTraceEvent | undefined,
  ): { readonly doc: StoredTraceEvent; readonly digest: string } | undefined {
    const m = this.memo.get(hashHex);
    if (m?.text === text) return m;
    const doc = load();
    if (doc === undefined) return undefined;
    const digest = toHex(hashEvent(doc.event, undefined, doc.ignore).digest);
    if (m === undefined && this.memo.size >= this.max) {
      const oldest = this.memo.keys().next();
      if (oldest.done !== true) this.memo.delete(oldest.value);
    }
    const entry = { text, doc, digest };
    this.memo.set(hashHex, entry);
    return entry;
  }
}

/** One event of a document, ready to be recorded. */
export interface PreparedEvent {
  readonly index: number;
  /** `ni:///sha-256;<hex>?ver=CBV2.0`. */
  readonly hash: string;
  readonly digest: Uint8Array;
  /** The event with the document's `@context` (so it re-hashes on its own). */
  readonly event: Record<string, unknown>;
  readonly ignore: readonly string[];
  /** The `trace.record` arguments. */
  readonly args: CborMap;
}

/**
 * Validate (TRACE_SCHEMA_INVALID), hash and summarise every event of a document
 * (TRACE_BAD_QUANTITY / TRACE_BAD_ID naming the field), in document order.
 */
export function prepareDocument(doc: unknown): PreparedEvent[] {
  const v = validateEpcis(doc);
  if (!v.valid) {
    const first = v.problems[0];
    throw new GongzhiError(
      'TRACE_SCHEMA_INVALID',
      `not a valid EPCIS 2.0 document: ${first?.path ?? '/'} ${first?.message ?? ''}`.trim(),
      { path: first?.path ?? '/', problems: v.problems.length },
    );
  }
  const context = (doc as { '@context'?: unknown })['@context'];
  const ignore = documentIgnoreFields(doc);
  if (documentEvents(doc).length === 0)
    throw new GongzhiError('TRACE_SCHEMA_INVALID', 'the document has no events');
  return hashDocument(doc).map((h) => {
    let summary: ReturnType<typeof summarizeEvent>;
    try {
      summary = summarizeEvent(h.event, context);
    } catch (e) {
      if (!(e instanceof SummaryError)) throw e;
      const code =
        e.kind === 'quantity'
          ? 'TRACE_BAD_QUANTITY'
          : e.kind === 'id'
            ? 'TRACE_BAD_ID'
            : 'TRACE_SCHEMA_INVALID';
      throw new GongzhiError(code, `event ${h.index}: ${e.field}: ${e.message}`, {
        event: h.index,
        field: e.field,
      });
    }
    const event = context === undefined ? { ...h.event } : { '@context': context, ...h.event };
    return {
      index: h.index,
      hash: h.hash,
      digest: h.digest,
      event,
      ignore,
      args: recordArgsFromSummary(summary, h.digest),
    };
  });
}

/** What happened to one event of a recorded document. */
export interface RecordedEvent {
  readonly index: number;
  readonly hash: string;
  /** Hex hash of its transaction. */
  readonly tx?: string;
  /** `ok`, or the error code of the receipt or the submission. */
  readonly status: string;
  readonly height?: number;
  readonly message?: string;
  /** True when the node now serves the full event. */
  readonly stored: boolean;
}

/** The trace documents of one group on this node, and recording into it. */
export class TraceRecorder {
  private readonly documents: ServedDocuments;

  constructor(
    readonly group: GroupLedger,
    readonly store: TraceDocumentStore,
  ) {
    this.documents = new ServedDocuments(group, store);
  }

  /**
   * Check `txs` (one signed `trace.record` per event, document order) against the document:
   * TRACE_HASH_MISMATCH when a transaction's hash is not its event's, TRACE_SUMMARY_MISMATCH when
   * its summary is not. Nothing is submitted or stored unless every transaction matches.
   */
  check(doc: unknown, txs: readonly Uint8Array[]): PreparedEvent[] {
    const prepared = prepareDocument(doc);
    if (txs.length !== prepared.length) {
      throw new GongzhiError(
        'TRACE_HASH_MISMATCH',
        `${prepared.length} events but ${txs.length} transactions`,
        {
          events: prepared.length,
          txs: txs.length,
        },
      );
    }
    prepared.forEach((p, i) => {
      const body = decodeTx(txs[i] as Uint8Array).body;
      if (body.module !== 'trace' || body.method !== 'record') {
        throw new GongzhiError('TRACE_SUMMARY_MISMATCH', `transaction ${i} is not trace.record`, {
          index: i,
        });
      }
      const h = body.args.hash;
      if (!(h instanceof Uint8Array) || !bytesEqual(h, p.digest)) {
        throw new GongzhiError(
          'TRACE_HASH_MISMATCH',
          `transaction ${i}'s hash is not event ${i}'s (${p.hash})`,
          {
            index: i,
            expected: p.hash,
          },
        );
      }
      if (!bytesEqual(encodeCanonical(body.args), encodeCanonical(p.args))) {
        throw new GongzhiError('TRACE_SUMMARY_MISMATCH', `transaction ${i}'s summary is not event ${i}'s`, {
          index: i,
        });
      }
    });
    return prepared;
  }

  /** Check, submit, wait for the commits, keep the documents of the events recorded. */
  async record(doc: unknown, txs: readonly Uint8Array[], timeoutMs = 30_000): Promise<RecordedEvent[]> {
    const prepared = this.check(doc, txs);
    const submitted = await this.group.submit(txs);
    const out = await Promise.all(
      prepared.map(async (p, i): Promise<RecordedEvent & { keep?: Omit<StoredTraceEvent, 'storedAt'> }> => {
        const s = submitted[i];
        if (s === undefined || 'error' in s) {
          const err = s?.error;
          return {
            index: p.index,
            hash: p.hash,
            status: err?.code ?? 'API_INTERNAL',
            message: err?.message ?? 'not submitted',
            stored: false,
          };
        }
        try {
          const c = await this.group.waitForCommit(s.hash, timeoutMs);
          const ok = c.receipt.status === 'ok';
          return {
            index: p.index,
            hash: p.hash,
            tx: s.hash,
            status: c.receipt.status,
            height: c.height,
            ...(c.receipt.message === undefined ? {} : { message: c.receipt.message }),
            stored: ok,
            ...(ok
              ? {
                  keep: {
                    group: this.group.group,
                    hash: toHex(p.digest),
                    event: p.event,
                    ignore: p.ignore,
                    height: c.height,
                    tx: s.hash,
                  },
                }
              : {}),
          };
        } catch (e) {
          const code = isGongzhiError(e) ? e.code : 'API_INTERNAL';
          return {
            index: p.index,
            hash: p.hash,
            tx: s.hash,
            status: code,
            message: String(e),
            stored: false,
          };
        }
      }),
    );
    const keep = out.flatMap((r) => (r.keep === undefined ? [] : [r.keep]));
    if (keep.length > 0) this.store.put(keep);
    return out.map(({ keep: _k, ...r }) => r);
  }

  /** Sign one `trace.record` per event with `key` and record the document (the demo's and tests' way). */
  recordAs(doc: unknown, key: KeyPair, nonce: () => string): Promise<RecordedEvent[]> {
    return this.record(doc, signRecords(this.group, doc, key, nonce));
  }

  /** A served event, re-hashed (ServedDocuments.served). */
  served(hashHex: string, onLedger?: boolean): ServedEvent {
    return this.documents.served(hashHex, onLedger);
  }
}

/** A kept event document as served, and whether it re-hashes to the ledger's record. */
export interface ServedEvent {
  readonly doc?: StoredTraceEvent;
  readonly onLedger: boolean;
  readonly matches: boolean;
}

/**
 * The documents one group's node serves, each re-hashed against the ledger (memoised by text).
 * With a store that has a `version` stamp, a document checked while the stamp is unchanged is
 * served without reading its text again: a resolver answer reads one document per event of the
 * trace, and those reads were the part of an answer that grew with the store. Any write to the
 * store (this node's, another connection's, a tampered row) changes the stamp, and each document
 * is then compared by its stored text again.
 */
export class ServedDocuments {
  private readonly rehashed = new RehashMemo();
  private readonly checked = new Map<
    string,
    { readonly version: string; readonly doc: StoredTraceEvent; readonly digest: string }
  >();

  constructor(
    private readonly group: Pick<GroupLedger, 'group' | 'query'>,
    private readonly store: Pick<TraceDocumentStore, 'get' | 'text'> &
      Partial<Pick<TraceDocumentStore, 'version'>>,
    private readonly max = 10_000,
  ) {}

  /**
   * A served event, re-hashed: does it match what the ledger recorded under its hash? `onLedger`
   * when the caller read the event from the ledger already (the resolver, from the trace): then it
   * is not looked up again.
   */
  served(hashHex: string, onLedger?: boolean): ServedEvent {
    const known = onLedger ?? this.onLedger(hashHex);
    const version = this.store.version?.();
    const seen = version === undefined ? undefined : this.checked.get(hashHex);
    const hit = seen !== undefined && seen.version === version ? seen : this.check(hashHex, version);
    if (hit === undefined) return { onLedger: known, matches: false };
    return { doc: hit.doc, onLedger: known, matches: known && hit.digest === hashHex };
  }

  /** The document's stored text compared with the memo (parsed and re-hashed when new), stamped. */
  private check(hashHex: string, version: string | undefined) {
    const text = this.store.text(this.group.group, hashHex);
    const hit =
      text === undefined
        ? undefined
        : this.rehashed.lookup(hashHex, text, () => this.store.get(this.group.group, hashHex));
    if (hit === undefined || version === undefined) {
      this.checked.delete(hashHex);
      return hit;
    }
    if (!this.checked.delete(hashHex) && this.checked.size >= this.max) {
      const oldest = this.checked.keys().next();
      if (oldest.done !== true) this.checked.delete(oldest.value);
    }
    this.checked.set(hashHex, { version, doc: hit.doc, digest: hit.digest });
    return hit;
  }

  private onLedger(hashHex: string): boolean {
    try {
      this.group.query('trace', 'event', { hash: hashHex });
      return true;
    } catch {
      return false;
    }
  }
}

/** One signed `trace.record` transaction per event of `doc` (document order), valid for 500 blocks. */
export function signRecords(
  g: Pick<GroupLedger, 'suite' | 'chain' | 'group' | 'latest'>,
  doc: unknown,
  key: KeyPair,
  nonce: () => string,
): Uint8Array[] {
  return prepareDocument(doc).map((p) =>
    encodeTx(
      signTx(g.suite, key.secretKey, {
        chain: g.chain,
        group: g.group,
        sender: key.publicKey,
        nonce: nonce(),
        validUntil: g.latest.height + 500,
        module: 'trace',
        method: 'record',
        args: p.args,
      }),
    ),
  );
}
