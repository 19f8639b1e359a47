import { decodeCanonical, encodeCanonical } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { isMap } from '../../ledger/index.js';

/** A stream message: a pack of encoded transactions, or a "time to cut block N" marker. */
export type StreamMessage =
  | { readonly kind: 'txs'; readonly txs: readonly Uint8Array[] }
  | { readonly kind: 'cut'; readonly height: number };

/** Canonical bytes of a stream message. */
export function encodeStreamMessage(m: StreamMessage): Uint8Array {
  return m.kind === 'txs' ? encodeCanonical({ txs: [...m.txs] }) : encodeCanonical({ cut: m.height });
}

/**
 * Decode a stream message strictly. Anything else is ORDERING_BAD_MESSAGE; the cutter skips such
 * messages, and every node skips the same ones, so a member publishing garbage changes nothing.
 */
export function decodeStreamMessage(bytes: Uint8Array): StreamMessage {
  let v: ReturnType<typeof decodeCanonical>;
  try {
    v = decodeCanonical(bytes);
  } catch (e) {
    throw new GongzhiError('ORDERING_BAD_MESSAGE', `undecodable stream message: ${(e as Error).message}`);
  }
  if (isMap(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && Array.isArray(v.txs) && v.txs.every((t) => t instanceof Uint8Array)) {
      return { kind: 'txs', txs: v.txs as Uint8Array[] };
    }
    if (keys.length === 1 && typeof v.cut === 'number' && Number.isSafeInteger(v.cut) && v.cut > 0) {
      return { kind: 'cut', height: v.cut };
    }
  }
  throw new GongzhiError(
    'ORDERING_BAD_MESSAGE',
    'stream message is neither a transaction pack nor a cut marker',
  );
}
