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

/** Who published a stream message: a member node's id and its signature over H(message bytes). */
export interface StreamSeal {
  readonly node: string;
  readonly sig: Uint8Array;
}

/** Wrap message bytes with the publishing node's seal: canonical `{m, node, sig}`. */
export function sealStreamMessage(message: Uint8Array, seal: StreamSeal): Uint8Array {
  return encodeCanonical({ m: message, node: seal.node, sig: seal.sig });
}

/** Split a sealed envelope (ORDERING_BAD_MESSAGE if it is not one). */
export function openStreamEnvelope(bytes: Uint8Array): { message: Uint8Array; seal: StreamSeal } {
  let v: ReturnType<typeof decodeCanonical>;
  try {
    v = decodeCanonical(bytes);
  } catch (e) {
    throw new GongzhiError('ORDERING_BAD_MESSAGE', `undecodable stream envelope: ${(e as Error).message}`);
  }
  if (
    isMap(v) &&
    Object.keys(v).length === 3 &&
    v.m instanceof Uint8Array &&
    typeof v.node === 'string' &&
    v.sig instanceof Uint8Array
  ) {
    return { message: v.m, seal: { node: v.node, sig: v.sig } };
  }
  throw new GongzhiError('ORDERING_BAD_MESSAGE', 'stream message is not a sealed envelope');
}
