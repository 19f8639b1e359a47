import { createHash } from 'node:crypto';
import { documentEvents, documentIgnoreFields, eventHashUri, eventPreHash } from './event-hash.js';

/** One event of a document with its canonical pre-hash string and hash. */
export interface HashedEvent {
  /** Position in the document's event list. */
  readonly index: number;
  readonly event: Readonly<Record<string, unknown>>;
  readonly preHash: string;
  /** SHA-256 of the pre-hash string (32 bytes). */
  readonly digest: Uint8Array;
  /** `ni:///sha-256;<hex>?ver=CBV2.0`. */
  readonly hash: string;
}

/** SHA-256 of a pre-hash string (UTF-8). */
export function preHashDigest(preHash: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(preHash, 'utf8').digest());
}

/** The CBV 2.0 hash of one event (`context`: the enclosing document's `@context`). */
export function hashEvent(
  event: Readonly<Record<string, unknown>>,
  context?: unknown,
  ignore: readonly string[] = [],
): HashedEvent & { readonly index: 0 } {
  const preHash = eventPreHash(event, context, ignore);
  const digest = preHashDigest(preHash);
  return { index: 0, event, preHash, digest, hash: eventHashUri(Buffer.from(digest).toString('hex')) };
}

/** Every event of an EPCIS document with its hash, in document order. */
export function hashDocument(doc: unknown): HashedEvent[] {
  const context =
    typeof doc === 'object' && doc !== null ? (doc as { '@context'?: unknown })['@context'] : undefined;
  const ignore = documentIgnoreFields(doc);
  return documentEvents(doc).map((event, index) => ({ ...hashEvent(event, context, ignore), index }));
}
