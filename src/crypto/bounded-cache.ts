/**
 * A tiny LRU map with a hard entry bound. Used on the verify hot path to keep decoded
 * public keys (KeyObjects, curve points) without letting hostile traffic grow memory.
 */
export class BoundedCache<V> {
  readonly #map = new Map<string, V>();
  readonly #max: number;
  readonly #onEvict: ((value: V) => void) | undefined;

  /** `onEvict` sees each value pushed out by `set` (to free what the collector does not see). */
  constructor(maxEntries: number, onEvict?: (value: V) => void) {
    this.#max = Math.max(1, Math.floor(maxEntries));
    this.#onEvict = onEvict;
  }

  /** Value for `key`, refreshing its recency. */
  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      // Map keeps insertion order: re-inserting moves the key to the young end.
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  /** Insert or replace, evicting the least recently used entry when full. */
  set(key: string, value: V): void {
    if (this.#map.has(key)) this.#map.delete(key);
    else if (this.#map.size >= this.#max) {
      const oldest = this.#map.entries().next();
      if (!oldest.done) {
        this.#map.delete(oldest.value[0]);
        this.#onEvict?.(oldest.value[1]);
      }
    }
    this.#map.set(key, value);
  }

  /** Number of entries held. */
  get size(): number {
    return this.#map.size;
  }

  /** Drop everything. */
  clear(): void {
    this.#map.clear();
  }
}
