import type { CryptoSuite } from '../crypto/index.js';
import { encodeCanonical } from '../encoding/index.js';
import type { WriteEntry } from '../ledger/receipt.js';
import type { PendingWrite } from './state-view.js';

/**
 * Sorted (key, H(value)|null) list of a write set: the form receipts and the state root use.
 * `hash` defaults to the suite's; the block executor passes one that remembers each value's digest,
 * since a block's write set holds the very values its transactions' receipts already hashed.
 */
export function writeEntries(
  suite: CryptoSuite,
  writes: ReadonlyMap<string, PendingWrite>,
  hash: (value: Uint8Array) => Uint8Array = suite.hash,
): WriteEntry[] {
  const keys = [...writes.keys()].sort(compareKeys);
  return keys.map((k) => {
    const v = writes.get(k) ?? null;
    return [k, v === null ? null : hash(v)];
  });
}

/** Code-unit order is locale independent and deterministic. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * State root after a block: H(canonical {prev, writes}) over the block's sorted write set.
 * A hash chain: equal roots mean equal write histories from genesis, hence equal state.
 */
export function nextStateRoot(
  suite: CryptoSuite,
  prev: Uint8Array,
  entries: readonly WriteEntry[],
): Uint8Array {
  return suite.hash(encodeCanonical({ prev, writes: entries.map(([k, h]) => [k, h]) }));
}
