import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CryptoSuite, VerifyPool } from '../crypto/index.js';
import { decodeCanonical, fromHex, toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import {
  assertAdmissible,
  BlockExecutor,
  type BlockResult,
  type CandidateTx,
  type LedgerModule,
  ModuleRegistry,
  type NonceIndex,
  QueryArgs,
} from '../execution/index.js';
import {
  assertValidGenesis,
  type BlockHeader,
  type BlockSignature,
  blockHash,
  type ChainParams,
  decodeReceipt,
  decodeTx,
  type Genesis,
  type Receipt,
  txHashFromBytes,
} from '../ledger/index.js';
import { governanceAuthorizer, listNodes, readParams } from '../modules/governance/index.js';
import type { OrderedBatch, Orderer, StreamPosition, StreamSeal } from '../ordering/index.js';
import { SoloOrderer } from '../ordering/index.js';
import type { StateReader } from '../state/index.js';
import { GroupStore, type StoredBlock } from '../storage/index.js';
import { buildGenesisBlock } from './genesis-block.js';
import type { NodeMetrics } from './metrics.js';

/** Result of submitting one transaction. */
export type SubmitResult =
  | { readonly hash: string }
  | { readonly hash?: string; readonly error: GongzhiError };

/** A committed transaction's outcome. */
export interface CommitInfo {
  readonly hash: string;
  readonly height: number;
  readonly index: number;
  readonly receipt: Receipt;
}

/** Emitted after each committed block. */
export interface BlockEvent {
  readonly height: number;
  readonly hash: Uint8Array;
  readonly header: BlockHeader;
  readonly receipts: readonly Receipt[];
}

export interface GroupLedgerOptions {
  readonly genesis: Genesis;
  readonly suite: CryptoSuite;
  readonly dataDir: string;
  readonly nodeId: string;
  readonly nodeSecretKey: Uint8Array;
  readonly modules: readonly LedgerModule[];
  readonly mempoolLimit: number;
  readonly logger: Logger;
  readonly metrics: NodeMetrics;
  readonly verifyPool?: VerifyPool | undefined;
  /** Builds the group's orderer; defaults to the in-process solo orderer. */
  readonly ordererFactory?: (ctx: OrdererContext) => Orderer;
  /** Open without starting the orderer; call `startOrdering()` (after catching up from peers). */
  readonly deferOrdering?: boolean;
  /** Solo orderer: cut at once when idle instead of waiting for the block timer (default true). */
  readonly cutWhenIdle?: boolean;
}

/** What an orderer needs to know about the group it orders for. */
export interface OrdererContext {
  readonly group: string;
  readonly nextHeight: number;
  readonly lastTimestamp: number;
  /** Stream position of the last ordered transaction, from the head block's order metadata. */
  readonly resumeAfter: StreamPosition;
  readonly params: () => ChainParams;
  /** Decode stream bytes into a candidate (undefined if undecodable); local pending ones come verified. */
  readonly toCandidate: (bytes: Uint8Array) => CandidateTx | undefined;
  /** This node's seal over a message it publishes. */
  readonly seal: (message: Uint8Array) => StreamSeal;
  /** Whether a seal is by a node registered in this group (committed state). */
  readonly isMemberSeal: (message: Uint8Array, seal: StreamSeal) => boolean;
}

interface Waiter {
  resolve(c: CommitInfo): void;
  reject(e: GongzhiError): void;
}

interface Pending {
  readonly candidate: CandidateTx;
  readonly admittedAt: bigint;
}

/**
 * One group served by this node: its own genesis, SQLite file, state, mempool and orderer.
 * Nothing here is shared with another group.
 */
export class GroupLedger {
  readonly store: GroupStore;
  readonly registry: ModuleRegistry;
  readonly executor: BlockExecutor;
  readonly genesisHash: Uint8Array;
  private head: StoredBlock;
  private orderer: Orderer | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly pendingNonces = new Set<string>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly listeners = new Set<(e: BlockEvent) => void>();
  private closing = false;
  private haltedBy: GongzhiError | undefined;
  private final = 0;
  /** Final heights above `final` (certificates that arrived out of order). */
  private readonly finalAbove = new Set<number>();
  private readonly log: Logger;

  private constructor(
    private readonly opts: GroupLedgerOptions,
    store: GroupStore,
  ) {
    this.store = store;
    this.log = opts.logger.child({ group: opts.genesis.group });
    this.registry = new ModuleRegistry(opts.modules);
    this.executor = new BlockExecutor({
      suite: opts.suite,
      registry: this.registry,
      authorizer: governanceAuthorizer,
      params: readParams,
    });
    const g = buildGenesisBlock(opts.suite, this.registry, opts.genesis);
    this.genesisHash = g.genesisHash;
    const stored0 = store.blockByHeight(0);
    if (!stored0) {
      store.commitGenesis(g.header, g.hash, g.writes, {
        genesis: Buffer.from(JSON.stringify(opts.genesis)),
        genesisHash: g.genesisHash,
      });
      this.log.info({ hash: toHex(g.hash) }, 'genesis block written');
    } else if (toHex(stored0.hash) !== toHex(g.hash)) {
      throw new GongzhiError(
        'GENESIS_INVALID',
        'data directory holds a different genesis for this group (a demo created by an older version? remove its directory, e.g. .gongzhi/demo, to start over)',
        {
          group: opts.genesis.group,
          stored: toHex(stored0.hash),
          configured: toHex(g.hash),
        },
      );
    }
    const head = store.latest();
    if (!head) throw new GongzhiError('STORAGE_FAILURE', 'no head block after genesis');
    this.head = head;
    const finalMeta = store.getMeta('finalHeight');
    this.final = finalMeta ? Number(new TextDecoder().decode(finalMeta)) : 0;
    opts.metrics.height.set({ group: this.group }, head.height);
    if (opts.deferOrdering !== true) this.startOrdering();
  }

  /**
   * Create and start the orderer from the current head (its stream position and timestamp).
   * Deferred when the node first catches up from peers.
   */
  startOrdering(): void {
    if (this.orderer) return;
    const opts = this.opts;
    const head = this.head;
    const to = Array.isArray(head.header.order.to) ? (head.header.order.to as number[]) : [0, 0];
    const ctx: OrdererContext = {
      group: this.group,
      nextHeight: head.height + 1,
      lastTimestamp: head.header.timestamp,
      resumeAfter: [to[0] ?? 0, to[1] ?? 0],
      params: () => this.params(),
      toCandidate: (bytes) => this.toCandidate(bytes),
      seal: (message) => ({
        node: this.opts.nodeId,
        sig: this.suite.sign(this.opts.nodeSecretKey, this.suite.hash(message)),
      }),
      isMemberSeal: (message, seal) => {
        const n = listNodes(this.stateReader()).find((x) => x.id === seal.node);
        return n !== undefined && this.suite.verify(fromHex(n.publicKey), this.suite.hash(message), seal.sig);
      },
    };
    this.orderer = opts.ordererFactory
      ? opts.ordererFactory(ctx)
      : new SoloOrderer({
          blockIntervalMs: () => this.params().blockIntervalMs,
          maxBlockTxs: () => this.params().maxBlockTxs,
          cutWhenIdle: opts.cutWhenIdle ?? true,
        });
    this.orderer.start(
      (b) => this.onBatch(b),
      head.header.timestamp,
      (txs, err) => {
        for (const c of txs) this.release(toHex(c.hash), c, undefined, err);
        opts.metrics.mempool.set({ group: this.group }, this.pending.size);
      },
    );
  }

  /**
   * Apply a block fetched from a peer: re-execute its transactions on top of our head, require the
   * same header the certificate signs, then commit it with the certificate and our own signature.
   * The caller has checked the certificate (quorum of organisations over `hash`).
   */
  applyCertifiedBlock(
    header: BlockHeader,
    certificate: readonly BlockSignature[],
    txBytes: readonly Uint8Array[],
  ): void {
    if (header.height !== this.head.height + 1) {
      throw new GongzhiError('SYNC_FAILED', 'block does not follow the head', {
        height: header.height,
        head: this.head.height,
      });
    }
    const txs: CandidateTx[] = [];
    for (const b of txBytes) {
      const c = this.toCandidate(b);
      if (!c)
        throw new GongzhiError('SYNC_FAILED', 'undecodable transaction in synced block', {
          height: header.height,
        });
      txs.push(c);
    }
    const result = this.executor.execute(
      { parent: this.head.header, timestamp: header.timestamp, order: header.order, txs },
      this.store,
      this.store,
    );
    if (toHex(result.hash) !== toHex(blockHash(this.suite, header)) || result.dropped.length > 0) {
      throw new GongzhiError('SYNC_FAILED', 'replaying the synced block does not give the certified header', {
        height: header.height,
      });
    }
    const own = { node: this.opts.nodeId, sig: this.suite.sign(this.opts.nodeSecretKey, result.hash) };
    const sigs = [...certificate.filter((s) => s.node !== own.node), own].sort((a, b) =>
      a.node < b.node ? -1 : a.node > b.node ? 1 : 0,
    );
    this.store.commitBlock(result, sigs);
    const head = this.store.blockByHeight(result.header.height);
    if (!head) throw new GongzhiError('STORAGE_FAILURE', 'committed block not found');
    this.head = head;
    this.opts.metrics.height.set({ group: this.group }, head.height);
    this.markFinal(head.height, sigs);
  }

  /** Open (or create) the group's ledger under `dataDir/<group>.sqlite`. */
  static open(opts: GroupLedgerOptions): GroupLedger {
    assertValidGenesis(opts.genesis, opts.suite);
    const store = new GroupStore(join(opts.dataDir, `${opts.genesis.group}.sqlite`));
    try {
      return new GroupLedger(opts, store);
    } catch (e) {
      store.close();
      throw e;
    }
  }

  get group(): string {
    return this.opts.genesis.group;
  }

  get nodeId(): string {
    return this.opts.nodeId;
  }

  get chain(): string {
    return this.opts.genesis.chain;
  }

  get suite(): CryptoSuite {
    return this.opts.suite;
  }

  get genesis(): Genesis {
    return this.opts.genesis;
  }

  get latest(): StoredBlock {
    return this.head;
  }

  get mempoolSize(): number {
    return this.pending.size;
  }

  /** Parameters in force (governance can change them). */
  params(): ChainParams {
    return readParams(this.stateReader());
  }

  /** Read-only view of committed state. */
  stateReader(): StateReader {
    const store = this.store;
    return {
      getRaw: (k: string) => store.getRaw(k),
      get: (k: string) => {
        const raw = store.getRaw(k);
        return raw === undefined ? undefined : decodeCanonical(raw);
      },
    };
  }

  /** Run a module query against committed state. */
  query(module: string, name: string, args: Readonly<Record<string, unknown>>): unknown {
    const q = this.registry.query(module, name);
    return q.run(
      { state: this.stateReader(), suite: this.suite, group: this.group, height: this.head.height },
      new QueryArgs(args),
    );
  }

  onBlock(listener: (e: BlockEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Admit encoded transactions: decode, check (chain, group, size, window, nonce, duplicates,
   * signature) and queue them for ordering. A rejected transaction leaves no trace.
   */
  async submit(encoded: readonly Uint8Array[]): Promise<SubmitResult[]> {
    const params = this.params();
    const results: SubmitResult[] = new Array(encoded.length);
    const candidates: { i: number; c: CandidateTx }[] = [];
    const batchNonces = new Set<string>();
    for (let i = 0; i < encoded.length; i++) {
      const bytes = encoded[i] as Uint8Array;
      try {
        if (this.closing) throw new GongzhiError('NODE_SHUTTING_DOWN', 'node is shutting down');
        if (this.haltedBy) throw this.haltedBy;
        if (!this.orderer)
          throw new GongzhiError('ORDERING_UNAVAILABLE', 'node is catching up; retry shortly');
        if (bytes.length > params.maxTxBytes) {
          throw new GongzhiError('TX_TOO_LARGE', 'transaction exceeds maxTxBytes', {
            size: bytes.length,
            max: params.maxTxBytes,
          });
        }
        const tx = decodeTx(bytes);
        if (tx.body.group !== this.group) {
          throw new GongzhiError('TX_WRONG_GROUP', 'transaction is for another group', {
            expected: this.group,
            got: tx.body.group,
          });
        }
        let sender: string;
        try {
          sender = this.suite.address(tx.body.sender);
        } catch {
          throw new GongzhiError('TX_MALFORMED', 'sender is not a public key of this chain');
        }
        const hash = txHashFromBytes(this.suite, tx, bytes);
        const hex = toHex(hash);
        if (this.pending.has(hex)) {
          throw new GongzhiError('TX_DUPLICATE', 'transaction already submitted', { hash: hex });
        }
        const c: CandidateTx = { tx, hash, bytes, sender, verified: false };
        const nonceKey = `${sender}\u0000${tx.body.nonce}`;
        const nonces: NonceIndex = {
          has: (s, n) => {
            const k = `${s}\u0000${n}`;
            return this.pendingNonces.has(k) || batchNonces.has(k) || this.store.has(s, n);
          },
        };
        // Signature last and possibly batched on worker threads; everything cheap first.
        try {
          assertAdmissible(c, this.admissionScope(params), nonces, {
            skipSignature: this.opts.verifyPool !== undefined,
          });
        } catch (e) {
          // A used nonce is checked before any hash lookup; only then tell a replay from a resubmission.
          if (e instanceof GongzhiError && e.code === 'TX_NONCE_REPLAYED' && this.store.tx(hash)) {
            throw new GongzhiError('TX_DUPLICATE', 'transaction already committed', { hash: hex });
          }
          throw e;
        }
        batchNonces.add(nonceKey);
        candidates.push({ i, c });
        results[i] = { hash: hex };
      } catch (e) {
        const err = e instanceof GongzhiError ? e : new GongzhiError('TX_MALFORMED', String(e));
        this.opts.metrics.rejected.inc({ group: this.group, code: err.code });
        results[i] = { error: err };
      }
    }
    if (this.opts.verifyPool && candidates.length > 0) {
      const ok = await this.opts.verifyPool.verifyBatch(
        this.suite.id,
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
          this.opts.metrics.rejected.inc({ group: this.group, code: 'TX_BAD_SIGNATURE' });
          candidates.splice(k, 1);
        }
      }
    }
    // Re-check duplicates admitted concurrently while signatures were being verified.
    const accepted: CandidateTx[] = [];
    for (const { i, c } of candidates) {
      const hex = toHex(c.hash);
      if (this.closing) {
        results[i] = { hash: hex, error: new GongzhiError('NODE_SHUTTING_DOWN', 'node is shutting down') };
        continue;
      }
      const nonceKey = `${c.sender}\u0000${c.tx.body.nonce}`;
      if (this.pending.has(hex) || this.pendingNonces.has(nonceKey)) {
        results[i] = {
          hash: hex,
          error: new GongzhiError('TX_NONCE_REPLAYED', 'nonce already pending for this sender'),
        };
        continue;
      }
      if (this.pending.size >= this.opts.mempoolLimit) {
        results[i] = {
          hash: hex,
          error: new GongzhiError('MEMPOOL_FULL', 'mempool is full; retry later', { retryAfterMs: 200 }),
        };
        this.opts.metrics.rejected.inc({ group: this.group, code: 'MEMPOOL_FULL' });
        continue;
      }
      this.pending.set(hex, { candidate: c, admittedAt: process.hrtime.bigint() });
      this.pendingNonces.add(nonceKey);
      accepted.push(c);
    }
    this.opts.metrics.mempool.set({ group: this.group }, this.pending.size);
    if (accepted.length > 0) this.orderer?.submit(accepted);
    return results;
  }

  /** A candidate for stream bytes: the pending (already verified) one if this node admitted it. */
  private toCandidate(bytes: Uint8Array): CandidateTx | undefined {
    try {
      const tx = decodeTx(bytes);
      const hash = txHashFromBytes(this.suite, tx, bytes);
      const mine = this.pending.get(toHex(hash));
      if (mine) return mine.candidate;
      return { tx, hash, bytes, sender: this.suite.address(tx.body.sender), verified: false };
    } catch {
      return undefined;
    }
  }

  /** Check the signatures of transactions other nodes admitted, on the worker pool when there is one. */
  private async verifyRemote(txs: readonly CandidateTx[]): Promise<void> {
    const pool = this.opts.verifyPool;
    const todo = txs.filter((c) => !c.verified);
    if (!pool || todo.length === 0) return;
    const ok = await pool.verifyBatch(
      this.suite.id,
      todo.map((c) => ({ publicKey: c.tx.body.sender, message: c.hash, signature: c.tx.sig })),
    );
    // Failures stay unverified: the executor checks them again and drops them, deterministically.
    todo.forEach((c, i) => {
      if (ok[i]) c.verified = true;
    });
  }

  private admissionScope(params: ChainParams) {
    return { chain: this.chain, group: this.group, suite: this.suite, params, height: this.head.height + 1 };
  }

  /**
   * Stop this group for good (until restart): no more blocks, submissions refused, health unhealthy.
   * Used when a block cannot be committed and when this node's block differs from the quorum's.
   */
  halt(err: GongzhiError): void {
    if (this.haltedBy) return;
    this.haltedBy = err;
    this.log.error({ code: err.code, details: err.details }, `group halted: ${err.message}`);
  }

  /** Why the group is halted, if it is. */
  get halted(): GongzhiError | undefined {
    return this.haltedBy;
  }

  /** Every block up to this height is final (signed by a quorum of organisations); 0 until one is. */
  get finalHeight(): number {
    return this.final;
  }

  /** Record that `height` is final with these signatures (the certificate). */
  markFinal(height: number, signatures: readonly BlockSignature[]): void {
    this.store.setSignatures(height, signatures);
    this.finalAbove.add(height);
    // finalHeight only moves over a contiguous run: every block up to it has its certificate.
    const before = this.final;
    while (this.finalAbove.delete(this.final + 1)) this.final++;
    if (this.final !== before)
      this.store.setMeta('finalHeight', new TextEncoder().encode(String(this.final)));
  }

  /** Whether block `height` has a stored finality certificate. */
  isFinal(height: number): boolean {
    return height <= this.final || this.finalAbove.has(height);
  }

  /** Committed outcome of a transaction, if any. */
  committed(hashHex: string): CommitInfo | undefined {
    const t = this.store.tx(Buffer.from(hashHex, 'hex'));
    if (!t) return undefined;
    return { hash: hashHex, height: t.height, index: t.index, receipt: decodeReceipt(t.receipt) };
  }

  isPending(hashHex: string): boolean {
    return this.pending.has(hashHex);
  }

  /** Resolve when the transaction is committed; reject if it is dropped or on timeout. */
  waitForCommit(hashHex: string, timeoutMs: number): Promise<CommitInfo> {
    const done = this.committed(hashHex);
    if (done) return Promise.resolve(done);
    if (!this.pending.has(hashHex)) {
      return Promise.reject(new GongzhiError('TX_NOT_FOUND', 'transaction is neither pending nor committed'));
    }
    return new Promise<CommitInfo>((resolve, reject) => {
      const timer = setTimeout(() => {
        const list = this.waiters.get(hashHex)?.filter((w) => w !== waiter);
        if (list && list.length > 0) this.waiters.set(hashHex, list);
        else this.waiters.delete(hashHex);
        reject(
          new GongzhiError('NODE_TIMEOUT', 'transaction not committed within the wait time', {
            hash: hashHex,
          }),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const list = this.waiters.get(hashHex) ?? [];
      list.push(waiter);
      this.waiters.set(hashHex, list);
    });
  }

  private async onBatch(batch: OrderedBatch): Promise<void> {
    if (this.haltedBy) return;
    const t0 = process.hrtime.bigint();
    let result: BlockResult;
    try {
      await this.verifyRemote(batch.txs);
      result = this.executor.execute(
        { parent: this.head.header, timestamp: batch.timestamp, order: batch.order, txs: batch.txs },
        this.store,
        this.store,
      );
      const sig = { node: this.opts.nodeId, sig: this.suite.sign(this.opts.nodeSecretKey, result.hash) };
      this.store.commitBlock(result, [sig]);
      const head = this.store.blockByHeight(result.header.height);
      if (!head) throw new GongzhiError('STORAGE_FAILURE', 'committed block not found');
      this.head = head;
    } catch (e) {
      const err = e instanceof GongzhiError ? e : new GongzhiError('STORAGE_FAILURE', String(e));
      // Skipping the block would put this node's chain out of step with the ordered stream: stop instead.
      this.halt(err);
      for (const c of batch.txs) this.release(toHex(c.hash), c, undefined, err);
      return;
    }
    const now = process.hrtime.bigint();
    const m = this.opts.metrics;
    m.blocks.inc({ group: this.group });
    m.height.set({ group: this.group }, result.header.height);
    m.blockExecution.observe({ group: this.group }, Number(now - t0) / 1e9);
    result.included.forEach((c, i) => {
      const hex = toHex(c.hash);
      const p = this.pending.get(hex);
      if (p) m.commitLatency.observe({ group: this.group }, Number(now - p.admittedAt) / 1e9);
      const receipt = result.receipts[i] as Receipt;
      m.txs.inc({ group: this.group, status: receipt.status });
      this.release(hex, c, { hash: hex, height: result.header.height, index: i, receipt });
    });
    for (const d of result.dropped) {
      const p = this.pending.get(toHex(d.hash));
      if (p) this.release(toHex(d.hash), p.candidate, undefined, d.error);
    }
    m.mempool.set({ group: this.group }, this.pending.size);
    this.log.debug({ height: result.header.height, txs: result.included.length }, 'block committed');
    const event: BlockEvent = {
      height: result.header.height,
      hash: result.hash,
      header: result.header,
      receipts: result.receipts,
    };
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (e) {
        this.log.warn({ err: e }, 'block listener failed');
      }
    }
  }

  private release(hex: string, c: CandidateTx, ok: CommitInfo | undefined, err?: GongzhiError): void {
    this.pending.delete(hex);
    this.pendingNonces.delete(`${c.sender}\u0000${c.tx.body.nonce}`);
    const ws = this.waiters.get(hex);
    if (!ws) return;
    this.waiters.delete(hex);
    for (const w of ws) {
      if (ok) w.resolve(ok);
      else w.reject(err ?? new GongzhiError('EXEC_INTERNAL', 'transaction dropped'));
    }
  }

  /** Finish the block in flight, then close the database. */
  async close(): Promise<void> {
    this.closing = true;
    await this.orderer?.stop();
    for (const [hex, ws] of this.waiters) {
      for (const w of ws)
        w.reject(new GongzhiError('NODE_SHUTTING_DOWN', 'node stopped before commit', { hash: hex }));
    }
    this.waiters.clear();
    this.store.close();
  }
}
