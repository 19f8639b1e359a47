import { bytesEqual, decodeCanonical } from '../../encoding/index.js';
import type { StateReader } from '../../state/index.js';

/**
 * Answers computed from committed state, remembered with every state key they read and the bytes
 * each held. A query is a pure function of the state it reads, so while each of those keys still
 * holds the same bytes the answer is the same one: checking that is one raw point read per key
 * (no decoding), where computing it again decodes and walks every record — the resolver's trace
 * of a tin decodes its 13 events several times over. Any block that writes one of the keys (a
 * new event of an item in the trace, a scan, a registry change) makes the next answer a fresh one.
 * Only for answers that do not depend on the height or the time (the trace and registry queries).
 */
export class ReadSetMemo<T> {
  private readonly entries = new Map<
    string,
    { readonly reads: ReadonlyMap<string, Uint8Array | undefined>; readonly value: T }
  >();

  constructor(private readonly max = 1000) {}

  /**
   * The answer filed under `id`, still valid over `state`, else `compute(state)` (remembered).
   * Keys for which `fresh` is true are not part of the check: the caller reads them again itself.
   */
  get(
    id: string,
    state: StateReader,
    compute: (s: StateReader) => T,
    fresh: (key: string) => boolean = () => false,
  ): T {
    const hit = this.entries.get(id);
    if (hit !== undefined && unchanged(hit.reads, state)) return hit.value;
    const reads = new Map<string, Uint8Array | undefined>();
    const raw = (k: string): Uint8Array | undefined => {
      const v = state.getRaw(k);
      if (!reads.has(k) && !fresh(k)) reads.set(k, v);
      return v;
    };
    const recording: StateReader = {
      getRaw: raw,
      get: (k) => {
        const v = raw(k);
        return v === undefined ? undefined : decodeCanonical(v);
      },
    };
    const value = compute(recording);
    this.entries.delete(id);
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(id, { reads, value });
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}

function unchanged(reads: ReadonlyMap<string, Uint8Array | undefined>, state: StateReader): boolean {
  for (const [k, before] of reads) {
    const now = state.getRaw(k);
    const same = now === undefined || before === undefined ? now === before : bytesEqual(now, before);
    if (!same) return false;
  }
  return true;
}
