import type { KeyPair } from '../crypto/index.js';
import { GongzhiError, isGongzhiError } from '../errors/index.js';
import { encodeTx, signTx } from '../ledger/index.js';
import type { GroupLedger } from './group-ledger.js';

/** What became of one consumer scan the resolver saw. */
export type ScanOutcome =
  /** Submitted as a `trace.scan` signed by the node (committed in a coming block). */
  | { readonly status: 'submitted'; readonly tx: string }
  /** The same serial from the same client and place within the window: counted once. */
  | { readonly status: 'repeat' }
  /** More scans this minute than the node records: not recorded. */
  | { readonly status: 'busy' }
  /** The ledger refused it at admission (e.g. the node's account lacks the trace-resolver role). */
  | { readonly status: 'refused'; readonly code: string };

export interface ScanRecorderOptions {
  /** A client's repeat of a serial and place within this long counts once (default 10 minutes). */
  readonly windowMs?: number;
  /** Most scans recorded per minute (default 600): anyone may GET a code, the ledger pays per scan. */
  readonly maxPerMinute?: number;
  /** Most (client, serial, place) entries remembered for the window (default 10,000). */
  readonly maxKept?: number;
  /** The clock (tests give their own): the node's, never the ledger's. */
  readonly now?: () => number;
}

/**
 * Consumer scans recorded by the Digital Link resolver itself: each resolution of a serial is a
 * `trace.scan` transaction signed with the node's key (its account holds the `trace-resolver`
 * role), so the ledger counts scans per item and the places they came from, and flags a code seen
 * in too many places — a cloned QR code. A client reloading the page is not a new scan (one per
 * client, serial and place per window), and the number recorded per minute is bounded. The
 * place is coarse, as the node's front proxy names it; the client's address is kept only in this
 * node's memory, for the window, never on the ledger.
 */
export class ScanRecorder {
  private readonly seen = new Map<string, number>();
  private minute = { start: 0, count: 0 };
  private nonce = 0;
  private readonly windowMs: number;
  private readonly maxPerMinute: number;
  private readonly maxKept: number;
  private readonly now: () => number;

  constructor(
    private readonly group: Pick<GroupLedger, 'submit' | 'suite' | 'chain' | 'group'> & {
      readonly latest: { readonly height: number };
    },
    private readonly key: KeyPair,
    o: ScanRecorderOptions = {},
  ) {
    this.windowMs = o.windowMs ?? 600_000;
    this.maxPerMinute = o.maxPerMinute ?? 600;
    this.maxKept = o.maxKept ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  /** Record a scan of serial `key` (ledger key) from `client`, at `place` when known. */
  async record(key: string, place: string | undefined, client: string): Promise<ScanOutcome> {
    const now = this.now();
    const id = `${client}\n${key}\n${place ?? ''}`;
    const last = this.seen.get(id);
    if (last !== undefined && now - last < this.windowMs) return { status: 'repeat' };
    if (now - this.minute.start >= 60_000) this.minute = { start: now, count: 0 };
    if (this.minute.count >= this.maxPerMinute) return { status: 'busy' };
    this.minute.count++;
    this.remember(id, now);
    const g = this.group;
    const tx = signTx(g.suite, this.key.secretKey, {
      chain: g.chain,
      group: g.group,
      sender: this.key.publicKey,
      nonce: `scan-${now}-${this.nonce++}`,
      validUntil: g.latest.height + 100,
      module: 'trace',
      method: 'scan',
      args: { key, ...(place === undefined ? {} : { place }) },
    });
    try {
      const [r] = await g.submit([encodeTx(tx)]);
      if (r === undefined) throw new GongzhiError('API_INTERNAL', 'no submission result');
      if ('error' in r) {
        this.seen.delete(id);
        return { status: 'refused', code: r.error.code };
      }
      return { status: 'submitted', tx: r.hash };
    } catch (e) {
      this.seen.delete(id);
      return { status: 'refused', code: isGongzhiError(e) ? e.code : 'API_INTERNAL' };
    }
  }

  private remember(id: string, now: number): void {
    this.seen.delete(id);
    if (this.seen.size >= this.maxKept) {
      // Oldest first: insertion order is time order.
      for (const [k, t] of this.seen) {
        if (this.seen.size < this.maxKept && now - t < this.windowMs) break;
        this.seen.delete(k);
      }
    }
    this.seen.set(id, now);
  }
}
