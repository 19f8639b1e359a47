import { type CborValue, decodeCanonical, encodeCanonical } from '../encoding/index.js';

/** Read access to state: raw canonical bytes by key. */
export interface StateSource {
  getRaw(key: string): Uint8Array | undefined;
}

/** Decoded reads on top of a raw source. */
export interface StateReader extends StateSource {
  get(key: string): CborValue | undefined;
}

/** A pending write: canonical bytes, or null for a deletion. */
export type PendingWrite = Uint8Array | null;

/**
 * Copy-on-write view over a source. Writes stay in this layer until `mergeInto` pushes them
 * to the parent layer (transaction → block) or the caller drops the view (failed transaction).
 */
export class StateOverlay implements StateReader {
  private readonly pending = new Map<string, PendingWrite>();
  /** Base reads remembered for the life of the overlay (null = absent); only when the base cannot change meanwhile. */
  private readonly reads: Map<string, Uint8Array | null> | undefined;

  constructor(
    private readonly base: StateSource,
    opts: { readonly cacheReads?: boolean } = {},
  ) {
    this.reads = opts.cacheReads === true ? new Map() : undefined;
  }

  getRaw(key: string): Uint8Array | undefined {
    const w = this.pending.get(key);
    if (w !== undefined) return w === null ? undefined : w;
    if (this.reads === undefined) return this.base.getRaw(key);
    const cached = this.reads.get(key);
    if (cached !== undefined) return cached === null ? undefined : cached;
    const v = this.base.getRaw(key);
    this.reads.set(key, v ?? null);
    return v;
  }

  get(key: string): CborValue | undefined {
    const raw = this.getRaw(key);
    return raw === undefined ? undefined : decodeCanonical(raw);
  }

  set(key: string, value: CborValue): void {
    this.pending.set(key, encodeCanonical(value));
  }

  setRaw(key: string, bytes: PendingWrite): void {
    this.pending.set(key, bytes);
  }

  delete(key: string): void {
    this.pending.set(key, null);
  }

  /** Writes of this layer in insertion order. */
  writes(): ReadonlyMap<string, PendingWrite> {
    return this.pending;
  }

  /** Push this layer's writes into `parent`. */
  mergeInto(parent: StateOverlay): void {
    for (const [k, v] of this.pending) parent.setRaw(k, v);
  }
}

/** A reader over a plain map (tests, genesis). */
export class MapSource implements StateSource {
  constructor(private readonly map: ReadonlyMap<string, Uint8Array> = new Map()) {}
  getRaw(key: string): Uint8Array | undefined {
    return this.map.get(key);
  }
}
