import type { VerifyPool } from '../crypto/index.js';
import { toHex } from '../encoding/index.js';
import { type ErrorDetails, GongzhiError } from '../errors/index.js';
import {
  type AdmissionScope,
  type AdmitJob,
  type AdmitJobRunner,
  assertAdmissible,
  type CandidateTx,
  type DroppedTx,
  type NonceIndex,
  nonceKey,
  outcomeError,
} from '../execution/index.js';
import { decodeTx, txHashFromBytes } from '../ledger/index.js';
import type { AdmitResult, Mempool, MempoolUpdate, PendingTx, RemovedTx } from './mempool.js';

/** Batch signature verification (the worker pool); only this method is used, so tests can fake it. */
export type SignatureVerifier = Pick<VerifyPool, 'verifyBatch'>;

export interface FifoMempoolOptions {
  /** Most transactions pending at once; beyond it admission answers MEMPOOL_FULL. */
  readonly limit: number;
  /** Nonces used by committed transactions (the group's store). */
  readonly committedNonces: NonceIndex;
  /** Whether a transaction with this hash is committed (to tell a resubmission from a replay). */
  readonly isCommitted: (hash: Uint8Array) => boolean;
  /** Where a committed transaction is (height, index, receipt status, its URL path), for the TX_DUPLICATE answer. */
  readonly committedDetails?: (hashHex: string) => ErrorDetails;
  /** Verify signatures in batches on worker threads; without it admission verifies inline. */
  readonly verifier?: SignatureVerifier | undefined;
  /** Told the code of each refusal counted in the `rejected` metric. */
  readonly onReject?: (code: string) => void;
  /** Monotonic clock for `admittedAt`; injectable for tests. */
  readonly now?: () => bigint;
  /**
   * Most transactions of one sender pending at once (default DEFAULT_SENDER_LIMIT); beyond it
   * admission answers MEMPOOL_SENDER_LIMIT, so one key cannot fill the pool for everyone.
   */
  readonly senderLimit?: number;
  /**
   * Checks by committed state, run on each transaction whose signature verified, just before it
   * enters the pool (the node runs the governance Authorizer: frozen sender, no role for the
   * method; then the method's own `admit`, e.g. a ballot's proofs). A throw refuses the transaction
   * with that error; it takes no block space and leaves no receipt. Execution checks again against
   * the state the block runs on.
   */
  readonly precheck?: (c: CandidateTx, scope: AdmissionScope) => void;
  /**
   * Admission jobs (MethodDef.admit's `AdmitJob`, e.g. a ballot's proofs) run off this thread:
   * `collect` asks each verified candidate for its job (undefined when it has none, or when
   * something cheaper refuses it — `precheck` then says so), `runner` runs them (the worker
   * pool). A refused job refuses its transaction; an accepted one fills the method's memo, so
   * `precheck` does not redo the work. Without it `precheck` runs every job on this thread.
   */
  readonly jobs?: {
    readonly collect: (c: CandidateTx, scope: AdmissionScope) => AdmitJob | undefined;
    readonly runner: AdmitJobRunner;
  };
  /**
   * Runs a synchronous stretch of admission (the checks of a whole call) inside one read
   * transaction of the committed store, so its many point reads share one snapshot. Default: as is.
   */
  readonly readTransaction?: <T>(fn: () => T) => T;
}

/** Default for FifoMempoolOptions.senderLimit. */
export const DEFAULT_SENDER_LIMIT = 1000;

/**
 * The node's mempool: a map of pending transactions by hash, their nonces, and a first-in first-out
 * queue of those not yet handed to the orderer. The orderer keeps what it was given, so the pool
 * only remembers what is pending (for duplicates, nonces, waiters and the orderer's `toCandidate`).
 */
export class FifoMempool implements Mempool {
  private readonly pending = new Map<string, PendingTx>();
  private readonly nonces = new Set<string>();
  /** Pending transactions by sender address (for the per-sender limit); no zero entries. */
  private readonly bySender = new Map<string, number>();
  private readonly senderLimit: number;
  /** Hashes by validUntil, so expiry after a commit does not scan the whole pool. */
  private readonly byExpiry = new Map<number, Set<string>>();
  /** Admitted, not yet reaped, in admission order (entries removed meanwhile are skipped). */
  private queue: PendingTx[] = [];
  private closed = false;
  private readonly now: () => bigint;

  constructor(private readonly opts: FifoMempoolOptions) {
    this.now = opts.now ?? (() => process.hrtime.bigint());
    this.senderLimit = opts.senderLimit ?? DEFAULT_SENDER_LIMIT;
  }

  /** Pending transactions of `sender` (an address). */
  pendingOf(sender: string): number {
    return this.bySender.get(sender) ?? 0;
  }

  get size(): number {
    return this.pending.size;
  }

  /** The first entry of the map: insertion order is admission order. */
  oldest(): PendingTx | undefined {
    for (const p of this.pending.values()) return p;
    return undefined;
  }

  get(hashHex: string): PendingTx | undefined {
    return this.pending.get(hashHex);
  }

  has(hashHex: string): boolean {
    return this.pending.has(hashHex);
  }

  close(): void {
    this.closed = true;
  }

  async admit(encoded: readonly Uint8Array[], scope: AdmissionScope): Promise<AdmitResult[]> {
    const results: AdmitResult[] = new Array(encoded.length);
    const candidates: { i: number; c: CandidateTx }[] = [];
    // Nonces of this call's earlier transactions: two in one call must not share a nonce either.
    const batchNonces = new Set<string>();
    const nonces: NonceIndex = {
      has: (s, n) => {
        const k = nonceKey(s, n);
        return this.nonces.has(k) || batchNonces.has(k) || this.opts.committedNonces.has(s, n);
      },
    };
    const inRead = this.opts.readTransaction ?? (<T>(fn: () => T): T => fn());
    inRead(() => {
      for (let i = 0; i < encoded.length; i++) {
        try {
          const c = this.check(encoded[i] as Uint8Array, scope, nonces);
          batchNonces.add(nonceKey(c.sender, c.tx.body.nonce));
          candidates.push({ i, c });
          results[i] = { hash: toHex(c.hash) };
        } catch (e) {
          const err = e instanceof GongzhiError ? e : new GongzhiError('TX_MALFORMED', String(e));
          this.opts.onReject?.(err.code);
          results[i] = { error: err };
        }
      }
    });
    const verifier = this.opts.verifier;
    if (verifier && candidates.length > 0) {
      const ok = await verifier.verifyBatch(
        scope.suite.id,
        candidates.map(({ c }) => ({ publicKey: c.tx.body.sender, message: c.hash, signature: c.tx.sig })),
      );
      for (let k = candidates.length - 1; k >= 0; k--) {
        const entry = candidates[k] as { i: number; c: CandidateTx };
        if (ok[k]) entry.c.verified = true;
        else {
          results[entry.i] = {
            hash: toHex(entry.c.hash),
            error: new GongzhiError('TX_BAD_SIGNATURE', 'signature does not verify'),
          };
          this.opts.onReject?.('TX_BAD_SIGNATURE');
          candidates.splice(k, 1);
        }
      }
    }
    await this.runJobs(candidates, results, scope, inRead);
    // Verification may have awaited: re-check what other calls admitted (or closing) meanwhile.
    inRead(() => this.enter(candidates, results, scope));
    return results;
  }

  /** The candidates' admission jobs on the runner; a refused job drops its candidate. */
  private async runJobs(
    candidates: { i: number; c: CandidateTx }[],
    results: AdmitResult[],
    scope: AdmissionScope,
    inRead: <T>(fn: () => T) => T,
  ): Promise<void> {
    const jobs = this.opts.jobs;
    if (jobs === undefined || candidates.length === 0) return;
    const found: { k: number; job: AdmitJob }[] = [];
    inRead(() => {
      candidates.forEach(({ c }, k) => {
        const job = jobs.collect(c, scope);
        if (job !== undefined) found.push({ k, job });
      });
    });
    if (found.length === 0) return;
    const outcomes = await jobs.runner.run(found.map((f) => f.job));
    for (let n = found.length - 1; n >= 0; n--) {
      const f = found[n] as { k: number; job: AdmitJob };
      const o = outcomes[n];
      const err =
        o === undefined
          ? new GongzhiError('EXEC_INTERNAL', 'admission job without outcome')
          : outcomeError(o);
      if (err === undefined) {
        if (o?.ok) f.job.accept(o.output);
        continue;
      }
      const entry = candidates[f.k] as { i: number; c: CandidateTx };
      results[entry.i] = { hash: toHex(entry.c.hash), error: err };
      this.opts.onReject?.(err.code);
      candidates.splice(f.k, 1);
    }
  }

  /** Put verified candidates into the pool, unless something changed while they were verified. */
  private enter(
    candidates: readonly { i: number; c: CandidateTx }[],
    results: AdmitResult[],
    scope: AdmissionScope,
  ): void {
    for (const { i, c } of candidates) {
      const hex = toHex(c.hash);
      if (this.closed) {
        results[i] = { hash: hex, error: new GongzhiError('NODE_SHUTTING_DOWN', 'node is shutting down') };
        continue;
      }
      const key = nonceKey(c.sender, c.tx.body.nonce);
      if (this.pending.has(hex) || this.nonces.has(key)) {
        results[i] = {
          hash: hex,
          error: new GongzhiError('TX_NONCE_REPLAYED', 'nonce already pending for this sender'),
        };
        continue;
      }
      const refusal = this.refusal(c, scope);
      if (refusal) {
        results[i] = { hash: hex, error: refusal };
        this.opts.onReject?.(refusal.code);
        continue;
      }
      this.insert({ hex, candidate: c, admittedAt: this.now() });
    }
  }

  /** Why `c` (signature verified, not a duplicate) may not enter the pool now, if it may not. */
  private refusal(c: CandidateTx, scope: AdmissionScope): GongzhiError | undefined {
    if (this.pending.size >= this.opts.limit) {
      return new GongzhiError('MEMPOOL_FULL', 'mempool is full; retry later', { retryAfterMs: 200 });
    }
    if (this.pendingOf(c.sender) >= this.senderLimit) {
      return new GongzhiError(
        'MEMPOOL_SENDER_LIMIT',
        'this sender has too many transactions pending; wait for some to commit',
        { sender: c.sender, limit: this.senderLimit, retryAfterMs: 1000 },
      );
    }
    if (this.opts.precheck) {
      try {
        this.opts.precheck(c, scope);
      } catch (e) {
        return e instanceof GongzhiError ? e : new GongzhiError('EXEC_INTERNAL', String(e));
      }
    }
    return undefined;
  }

  /** The checks that need no await, cheapest first; the signature last (or later, in a batch). */
  private check(bytes: Uint8Array, scope: AdmissionScope, nonces: NonceIndex): CandidateTx {
    if (this.closed) throw new GongzhiError('NODE_SHUTTING_DOWN', 'node is shutting down');
    if (bytes.length > scope.params.maxTxBytes) {
      throw new GongzhiError('TX_TOO_LARGE', 'transaction exceeds maxTxBytes', {
        size: bytes.length,
        max: scope.params.maxTxBytes,
      });
    }
    const tx = decodeTx(bytes);
    // Before the sender is read as a key: another group may be of another chain, with another suite.
    if (tx.body.group !== scope.group) {
      throw new GongzhiError('TX_WRONG_GROUP', 'transaction is for another group', {
        expected: scope.group,
        got: tx.body.group,
      });
    }
    let sender: string;
    try {
      sender = scope.suite.address(tx.body.sender);
    } catch {
      throw new GongzhiError('TX_MALFORMED', 'sender is not a public key of this chain');
    }
    const hash = txHashFromBytes(scope.suite, tx, bytes);
    const hex = toHex(hash);
    if (this.pending.has(hex)) {
      throw new GongzhiError('TX_DUPLICATE', 'transaction already submitted', { hash: hex });
    }
    const c: CandidateTx = { tx, hash, bytes, sender, verified: false };
    try {
      assertAdmissible(c, scope, nonces, { skipSignature: this.opts.verifier !== undefined });
    } catch (e) {
      // A used nonce is checked before any hash lookup; only then tell a replay from a resubmission.
      if (e instanceof GongzhiError && e.code === 'TX_NONCE_REPLAYED' && this.opts.isCommitted(hash)) {
        throw new GongzhiError('TX_DUPLICATE', 'transaction already committed', {
          hash: hex,
          committed: true,
          ...this.opts.committedDetails?.(hex),
        });
      }
      throw e;
    }
    return c;
  }

  reap(max = Number.POSITIVE_INFINITY): CandidateTx[] {
    const out: CandidateTx[] = [];
    let k = 0;
    for (; k < this.queue.length && out.length < max; k++) {
      const p = this.queue[k] as PendingTx;
      if (this.pending.get(p.hex) === p) out.push(p.candidate);
    }
    this.queue = k === this.queue.length ? [] : this.queue.slice(k);
    return out;
  }

  update(height: number, included: readonly CandidateTx[], dropped: readonly DroppedTx[]): MempoolUpdate {
    const done: PendingTx[] = [];
    for (const c of included) {
      const p = this.take(toHex(c.hash));
      if (p) done.push(p);
    }
    const removed: RemovedTx[] = [];
    for (const d of dropped) {
      const p = this.take(toHex(d.hash));
      if (p) removed.push({ tx: p, error: d.error });
    }
    // Nothing with validUntil below the next height can enter a block: free its slot and nonce now.
    const next = height + 1;
    for (const [validUntil, hashes] of this.byExpiry) {
      if (validUntil >= next) continue;
      for (const hex of hashes) {
        const p = this.take(hex);
        if (!p) continue;
        removed.push({
          tx: p,
          error: new GongzhiError('TX_EXPIRED', 'validity window has passed', { validUntil, height: next }),
        });
      }
    }
    return { included: done, removed };
  }

  remove(hashes: readonly string[]): PendingTx[] {
    const out: PendingTx[] = [];
    for (const hex of hashes) {
      const p = this.take(hex);
      if (p) out.push(p);
    }
    return out;
  }

  private insert(p: PendingTx): void {
    const b = p.candidate.tx.body;
    this.pending.set(p.hex, p);
    this.nonces.add(nonceKey(p.candidate.sender, b.nonce));
    this.bySender.set(p.candidate.sender, this.pendingOf(p.candidate.sender) + 1);
    let bucket = this.byExpiry.get(b.validUntil);
    if (!bucket) {
      bucket = new Set();
      this.byExpiry.set(b.validUntil, bucket);
    }
    bucket.add(p.hex);
    this.queue.push(p);
  }

  /** Remove one pending transaction with its nonce and expiry entry (the queue skips it lazily). */
  private take(hex: string): PendingTx | undefined {
    const p = this.pending.get(hex);
    if (!p) return undefined;
    const b = p.candidate.tx.body;
    this.pending.delete(hex);
    this.nonces.delete(nonceKey(p.candidate.sender, b.nonce));
    const n = this.pendingOf(p.candidate.sender) - 1;
    if (n > 0) this.bySender.set(p.candidate.sender, n);
    else this.bySender.delete(p.candidate.sender);
    const bucket = this.byExpiry.get(b.validUntil);
    bucket?.delete(hex);
    if (bucket?.size === 0) this.byExpiry.delete(b.validUntil);
    return p;
  }
}
