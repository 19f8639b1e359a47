import { GongzhiError } from '../../errors/index.js';
import type { CheckContext, Codec, ExecContext } from '../../execution/index.js';
import type { CborMap } from '../../ledger/index.js';
import { encodeRecord, readRecord } from './stored.js';

/** One event of an operation, as `apply` emits it. */
export interface PointsEvent {
  readonly name: string;
  readonly data: CborMap;
}

/**
 * Everything one operation does, worked out by `check` and committed by `apply` as it is:
 * canonical bytes per key (null: delete), in write order, and the events in order.
 */
export interface Effects {
  readonly writes: ReadonlyMap<string, Uint8Array | null>;
  readonly events: readonly PointsEvent[];
}

/** `apply`: write the effects into the transaction's state and emit the events. Computes nothing. */
export function commitEffects(ctx: ExecContext, fx: Effects): void {
  for (const [k, v] of fx.writes) {
    if (v === null) ctx.state.delete(k);
    else ctx.state.setRaw(k, v);
  }
  for (const e of fx.events) ctx.emit(e.name, e.data);
}

interface Pending {
  readonly codec: Codec<unknown>;
  readonly value: unknown;
}

/**
 * The state of one operation while `check` runs it: reads go to the transaction's read-only state
 * (read-your-writes), each through its record's codec; writes and events are buffered. `effects`
 * closes it and returns what `apply` commits.
 */
export class PendingState {
  private readonly writes = new Map<string, Pending | null>();
  private readonly events: PointsEvent[] = [];
  private closed = false;

  constructor(readonly ctx: CheckContext) {}

  get height(): number {
    return this.ctx.height;
  }

  get ts(): number {
    return this.ctx.timestamp;
  }

  get sender(): string {
    return this.ctx.sender;
  }

  /** The record under `key` (what this operation wrote, else what is stored), or undefined. */
  read<T>(key: string, codec: Codec<T>): T | undefined {
    const w = this.writes.get(key);
    if (w === undefined) return readRecord(this.ctx.state, key, codec);
    if (w === null) return undefined;
    if (w.codec !== codec) {
      throw new GongzhiError('EXEC_INTERNAL', `key ${key} read with another codec than written`, { key });
    }
    // Sound: `value` was written with this very codec (checked above).
    return w.value as T;
  }

  has(key: string): boolean {
    const w = this.writes.get(key);
    if (w !== undefined) return w !== null;
    return this.ctx.state.getRaw(key) !== undefined;
  }

  write<T>(key: string, codec: Codec<T>, value: T): void {
    this.open();
    this.writes.set(key, { codec, value });
  }

  delete(key: string): void {
    this.open();
    this.writes.set(key, null);
  }

  emit(name: string, data: CborMap): void {
    this.open();
    this.events.push({ name, data });
  }

  private open(): void {
    if (this.closed) throw new GongzhiError('EXEC_INTERNAL', 'operation already closed');
  }

  /** Close the operation: encode every write. Nothing can be written afterwards. */
  effects(): Effects {
    this.open();
    this.closed = true;
    const writes = new Map<string, Uint8Array | null>();
    for (const [k, w] of this.writes) writes.set(k, w === null ? null : encodeRecord(k, w.codec, w.value));
    return { writes, events: this.events };
  }
}
