import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CryptoSuite, VerifyPool } from '../crypto/index.js';
import { type CborValue, decodeCanonical, fromHex, toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import {
  type AdmissionScope,
  type AdmitJob,
  type AdmitJobRunner,
  admitByMethod,
  BlockExecutor,
  type BlockResult,
  type CandidateTx,
  type LedgerModule,
  ModuleRegistry,
  QueryArgs,
  runAdmitJob,
  txSubject,
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
import type { OrderedBatch, Orderer, OrderingHealth, StreamPosition, StreamSeal } from '../ordering/index.js';
import { SoloOrderer, settleWithin } from '../ordering/index.js';
import type { StateReader } from '../state/index.js';
import { GroupStore, type StoredBlock } from '../storage/index.js';
import { poolJobRunner } from './admit-job-runner.js';
import { type CommitInfo, CommitWaiters } from './commit-waiters.js';
import { FifoMempool } from './fifo-mempool.js';
import { runForeignAdmitJobs } from './foreign-admit-jobs.js';
import { buildGenesisBlock } from './genesis-block.js';
import type { AdmitResult, Mempool } from './mempool.js';
import type { NodeMetrics } from './metrics.js';
import { type DropRecord, RecentDrops } from './recent-drops.js';

export type { CommitInfo } from './commit-waiters.js';

/** Longest wait on close for the orderer to finish the block in flight; then the database closes anyway. */
export const CLOSE_WAIT_MS = 5000;

/** Result of submitting one transaction. */
export type SubmitResult = AdmitResult;

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
  /** Most transactions of one sender pending at once (default DEFAULT_SENDER_LIMIT). */
  readonly mempoolSenderLimit?: number;
  /** Most `waitForCommit` waits in flight (default DEFAULT_MAX_COMMIT_WAITERS). */
  readonly maxCommitWaiters?: number;
  readonly logger: Logger;
  readonly metrics: NodeMetrics;
  readonly verifyPool?: VerifyPool | undefined;
  /** Builds the group's orderer; defaults to the in-process solo orderer. */
  readonly ordererFactory?: (ctx: OrdererContext) => Orderer;
  /** Open without starting the orderer; call `startOrdering()` (after catching up from peers). */
  readonly deferOrdering?: boolean;
  /** Solo orderer: cut at once when idle instead of waiting for the block timer (default true). */
  readonly cutWhenIdle?: boolean;
  /** SQLite page cache of the group's file, MiB (GroupStoreOptions.cacheMb; default DEFAULT_STORE_CACHE_MB). */
  readonly storeCacheMb?: number;
}

/** A synced block to replay: its header, the certificate that signs it, its decoded transactions. */
export interface CertifiedCandidates {
  readonly header: BlockHeader;
  readonly certificate: readonly BlockSignature[];
  readonly txs: readonly CandidateTx[];
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

/**
 * One group served by this node: its own genesis, SQLite file, state, mempool, orderer and commit
 * waiters, composed here (admission → ordering → execution → commit → answers). Nothing here is
 * shared with another group.
 */
export class GroupLedger {
  readonly store: GroupStore;
  readonly registry: ModuleRegistry;
  readonly executor: BlockExecutor;
  readonly genesisHash: Uint8Array;
  private head: StoredBlock;
  private admissionMemo: { height: number; values: Map<string, CborValue | undefined> } = {
    height: -1,
    values: new Map(),
  };
  private orderer: Orderer | undefined;
  /** Bumped when an orderer is set aside (a rewind): batches from an older one are ignored. */
  private orderEpoch = 0;
  private readonly mempool: Mempool;
  private readonly waiters: CommitWaiters;
  private readonly listeners = new Set<(e: BlockEvent) => void>();
  private closing = false;
  private storeClosed = false;
  private haltedBy: GongzhiError | undefined;
  private final = 0;
  /** Final heights above `final` (certificates that arrived out of order). */
  private readonly finalAbove = new Set<number>();
  private readonly log: Logger;
  /** process.hrtime of the last block this node committed (or of opening the group). */
  private lastCutAt = process.hrtime.bigint();
  /** Transactions that left without a block, and why: GET /txs/:hash answers "dropped" with the reason. */
  private readonly drops = new RecentDrops();
  /** The verify pool's runner for the admission jobs of other nodes' transactions (none without a pool). */
  private readonly foreignJobs: AdmitJobRunner | undefined;

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
    // A file from before the (module, subject) index gets it once, before anything commits.
    store.ensureSubjectIndex((body) => txSubject(this.registry, body));
    this.mempool = new FifoMempool({
      limit: opts.mempoolLimit,
      committedNonces: store,
      isCommitted: (hash) => store.tx(hash) !== undefined,
      committedDetails: (hex) => {
        const c = this.committed(hex);
        return c
          ? {
              height: c.height,
              index: c.index,
              status: c.receipt.status,
              location: `/v1/groups/${this.group}/txs/${hex}`,
            }
          : {};
      },
      verifier: opts.verifyPool,
      readTransaction: (fn) => store.atomically(fn),
      onReject: (code) => opts.metrics.rejected.inc({ group: this.group, code }),
      ...(opts.mempoolSenderLimit === undefined ? {} : { senderLimit: opts.mempoolSenderLimit }),
      // The executor's own checks, in its order, against committed state: a transaction the block
      // would record as EXEC_UNKNOWN_*, EXEC_ACCOUNT_FROZEN or EXEC_PERMISSION_DENIED takes no
      // block space and leaves no receipt; then the method's `admit` (a ballot's proofs). The
      // block still checks again (state may change meanwhile).
      precheck: (c, scope) => {
        const job = this.admissionJob(c, scope);
        // No pool (or a job the method handed back again): run it here.
        if (job !== undefined) {
          opts.metrics.admitJobs.inc({ group: this.group, thread: 'main' });
          runAdmitJob(this.registry, job);
        }
      },
      ...(opts.verifyPool === undefined || opts.verifyPool.size === 0
        ? {}
        : {
            jobs: {
              collect: (c, scope) => this.collectJob(c, scope),
              runner: poolJobRunner(opts.verifyPool, this.registry, (thread, n) =>
                opts.metrics.admitJobs.inc({ group: this.group, thread }, n),
              ),
            },
          }),
    });
    this.foreignJobs =
      opts.verifyPool === undefined || opts.verifyPool.size === 0
        ? undefined
        : poolJobRunner(opts.verifyPool, this.registry, (thread, n) =>
            opts.metrics.foreignAdmitJobs.inc({ group: this.group, thread }, n),
          );
    this.waiters = new CommitWaiters(opts.maxCommitWaiters);
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
    const epoch = this.orderEpoch;
    this.orderer.start(
      (b) => this.onBatch(b, epoch),
      head.header.timestamp,
      (txs, err) => {
        this.drop(txs, err);
        opts.metrics.mempool.set({ group: this.group }, this.mempool.size);
      },
      (txs) => {
        for (const c of txs) {
          const p = this.mempool.get(toHex(c.hash));
          if (p) p.ordered = true;
        }
      },
    );
  }

  /** The ordering service as the orderer sees it; unreachable while the node is still catching up. */
  orderingHealth(): OrderingHealth {
    if (!this.orderer)
      return { reachable: false, lastOkAt: undefined, error: 'ordering not started (catching up)' };
    return this.orderer.health?.() ?? { reachable: true, lastOkAt: Date.now() };
  }

  /** How long ago this node committed its last block (or opened the group), ms. */
  lastCutAgeMs(now = process.hrtime.bigint()): number {
    return Number((now - this.lastCutAt) / 1_000_000n);
  }

  /**
   * How long the oldest pending transaction has waited without any block being cut, ms (0 when
   * nothing of ours is pending): a block that should have been cut and was not.
   */
  cutStallMs(now = process.hrtime.bigint()): number {
    const oldest = this.mempool.oldest?.();
    if (!oldest) return 0;
    const since = oldest.admittedAt > this.lastCutAt ? oldest.admittedAt : this.lastCutAt;
    return Number((now - since) / 1_000_000n);
  }

  /** Transactions waiting for a block: ours in the pool, and any the orderer holds. */
  get pendingInOrderer(): number {
    return this.orderer?.pending ?? 0;
  }

  /** Why a transaction that is neither pending nor committed left this node, if it was seen leaving recently. */
  dropped(hashHex: string): DropRecord | undefined {
    return this.drops.get(hashHex);
  }

  /** Whether the ordering service acknowledged this pending transaction. */
  isOrdered(hashHex: string): boolean {
    return this.mempool.get(hashHex)?.ordered === true;
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
    this.applyCertifiedCandidates(header, certificate, this.syncCandidates(header, txBytes));
  }

  /** A synced block's transactions as candidates (SYNC_FAILED if one does not decode). */
  syncCandidates(header: BlockHeader, txBytes: readonly Uint8Array[]): CandidateTx[] {
    const txs: CandidateTx[] = [];
    for (const b of txBytes) {
      const c = this.toCandidate(b);
      if (!c)
        throw new GongzhiError('SYNC_FAILED', 'undecodable transaction in synced block', {
          height: header.height,
        });
      txs.push(c);
    }
    return txs;
  }

  /**
   * Verify candidates' signatures on the worker pool (when there is one) ahead of execution, so a
   * catch-up verifies a run in parallel instead of one signature at a time in the executor. A pure
   * function of each transaction, so it may run for blocks ahead of the head (the next run is
   * verified while this one is applied). A failure stays unverified: the executor checks it again
   * and the replay fails on the header.
   */
  async verifyCandidateSignatures(txs: readonly CandidateTx[]): Promise<void> {
    await this.verifyRemote(txs);
  }

  /** Candidates' admission jobs on the pool: they read the head's state, so call it on the parent of `txs`. */
  async runCandidateAdmitJobs(txs: readonly CandidateTx[]): Promise<void> {
    await this.admitRemote(txs);
  }

  /** `applyCertifiedBlock` for candidates already decoded (and perhaps verified) by `syncCandidates`. */
  applyCertifiedCandidates(
    header: BlockHeader,
    certificate: readonly BlockSignature[],
    txs: readonly CandidateTx[],
  ): void {
    this.applyCertifiedRun([{ header, certificate, txs }], () => {});
  }

  /**
   * Apply consecutive certified blocks in one SQLite transaction (one commit and fsync for the run,
   * not one per block). Each block runs in a savepoint: `accept(header)` first (the caller's
   * certificate check; it reads our state at the block's parent, which includes the run's earlier
   * blocks), then the replay, which must give the certified header. A block refused either way is
   * rolled back alone: the blocks before it commit (each certified and fully replayed, so the head
   * on disk is always a fully applied block) and the refusal is thrown after. A crash before the
   * commit loses the whole run, which a restart simply syncs again: nothing in it was acknowledged.
   * Returns the blocks applied.
   */
  applyCertifiedRun<B extends CertifiedCandidates>(blocks: readonly B[], accept: (block: B) => void): number {
    const done: { result: BlockResult; head: StoredBlock; sigs: BlockSignature[] }[] = [];
    let refused: unknown;
    try {
      this.store.atomically(() => {
        let parent = this.head;
        for (const b of blocks) {
          try {
            // A savepoint inside the run's transaction: a throw undoes this block only.
            const d = this.store.atomically(() => {
              accept(b);
              return this.replayCertified(parent, b.header, b.certificate, b.txs);
            });
            done.push(d);
            parent = d.head;
          } catch (e) {
            refused = e;
            return;
          }
        }
      });
    } catch (e) {
      // The run's commit failed: nothing of it is on disk, and nothing in memory moved.
      if (e instanceof GongzhiError) throw e;
      throw new GongzhiError('STORAGE_FAILURE', `block commit failed: ${(e as Error).message}`, {
        height: this.head.height + 1,
      });
    }
    const last = done[done.length - 1];
    if (last) {
      this.head = last.head;
      this.opts.metrics.height.set({ group: this.group }, last.head.height);
      // The certificates are stored with the blocks; this records finality (one small commit).
      this.store.atomically(() => {
        for (const d of done) this.markFinal(d.head.height, d.sigs);
      });
      const now = process.hrtime.bigint();
      // After a rewind the pool may hold transactions these blocks carry: they are committed now.
      for (const d of done) this.settle(d.result, now);
    }
    if (refused !== undefined) throw refused;
    return done.length;
  }

  /** Re-execute a synced block on `parent` and commit it (inside the caller's transaction). */
  private replayCertified(
    parent: StoredBlock,
    header: BlockHeader,
    certificate: readonly BlockSignature[],
    txs: readonly CandidateTx[],
  ): { result: BlockResult; head: StoredBlock; sigs: BlockSignature[] } {
    if (header.height !== parent.height + 1) {
      throw new GongzhiError('SYNC_FAILED', 'block does not follow the head', {
        height: header.height,
        head: parent.height,
      });
    }
    const result = this.executor.execute(
      { parent: parent.header, timestamp: header.timestamp, order: header.order, txs },
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
    return { result, head: this.committedHead(result.header.height), sigs };
  }

  /** The block just committed at `height`, read back as stored. */
  private committedHead(height: number): StoredBlock {
    const head = this.store.blockByHeight(height);
    if (!head) throw new GongzhiError('STORAGE_FAILURE', 'committed block not found');
    return head;
  }

  /** Open (or create) the group's ledger under `dataDir/<group>.sqlite`. */
  static open(opts: GroupLedgerOptions): GroupLedger {
    assertValidGenesis(opts.genesis, opts.suite);
    const path = join(opts.dataDir, `${opts.genesis.group}.sqlite`);
    const store = new GroupStore(path, {
      backgroundCheckpoints: true,
      onMigrate: (from, to) =>
        opts.logger.info(
          { group: opts.genesis.group, path, from, to },
          'migrating the ledger file to a new schema version (once, in one transaction; a large file takes minutes)',
        ),
      ...(opts.storeCacheMb === undefined ? {} : { cacheMb: opts.storeCacheMb }),
    });
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
    return this.mempool.size;
  }

  /** Parameters in force (governance can change them). */
  params(): ChainParams {
    return readParams(this.stateReader());
  }

  /**
   * The executor's first checks against committed state (method, then role), then the method's
   * `admit`; returns its job, if it hands one back to run elsewhere. Throws the refusal.
   */
  private admissionJob(c: CandidateTx, scope: AdmissionScope): AdmitJob | undefined {
    const b = c.tx.body;
    this.registry.method(b.module, b.method);
    const state = this.admissionReader();
    governanceAuthorizer.authorize(state, c.sender, b.module, b.method);
    return admitByMethod(this.registry, c, scope, state, true);
  }

  /**
   * The candidate's admission job, to run on the pool — only for one that passes the cheaper
   * checks first (method, role); any refusal here is left to `precheck`, which gives it in order.
   */
  private collectJob(c: CandidateTx, scope: AdmissionScope): AdmitJob | undefined {
    try {
      return this.admissionJob(c, scope);
    } catch {
      return undefined;
    }
  }

  /**
   * Committed state for the admission pre-check, decoded once per key per block: every
   * transaction of a batch reads the same permission row (and often the same sender's roles), and
   * committed state only changes when the head does, which empties the memo.
   */
  private admissionReader(): StateReader {
    if (this.admissionMemo.height !== this.head.height) {
      this.admissionMemo = { height: this.head.height, values: new Map() };
    }
    const { values } = this.admissionMemo;
    const store = this.store;
    return {
      getRaw: (k: string) => store.getRaw(k),
      get: (k: string) => {
        if (values.has(k)) return values.get(k);
        const raw = store.getRaw(k);
        const v = raw === undefined ? undefined : decodeCanonical(raw);
        values.set(k, v);
        return v;
      },
    };
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
   * signature, then method, freeze and role by committed state) and queue them for ordering. A
   * rejected transaction leaves no trace.
   */
  async submit(encoded: readonly Uint8Array[]): Promise<SubmitResult[]> {
    const params = this.params();
    const refusal = this.closing
      ? new GongzhiError('NODE_SHUTTING_DOWN', 'node is shutting down')
      : (this.haltedBy ??
        (this.orderer
          ? undefined
          : new GongzhiError('ORDERING_UNAVAILABLE', 'node is catching up; retry shortly')));
    if (refusal) {
      return encoded.map(() => {
        this.opts.metrics.rejected.inc({ group: this.group, code: refusal.code });
        return { error: refusal };
      });
    }
    const results = await this.mempool.admit(encoded, this.admissionScope(params));
    this.opts.metrics.mempool.set({ group: this.group }, this.mempool.size);
    const ready = this.mempool.reap();
    if (ready.length > 0) this.orderer?.submit(ready);
    return results;
  }

  /** A candidate for stream bytes: the pending (already verified) one if this node admitted it. */
  private toCandidate(bytes: Uint8Array): CandidateTx | undefined {
    try {
      const tx = decodeTx(bytes);
      const hash = txHashFromBytes(this.suite, tx, bytes);
      const mine = this.mempool.get(toHex(hash));
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

  /**
   * The admission jobs of transactions other nodes admitted (a ballot's proofs), on the worker pool
   * when there is one, so the block's `check` finds them memoised (./foreign-admit-jobs.ts).
   * Without a pool nothing runs here: `check` verifies them on this thread, as it always did.
   */
  private async admitRemote(txs: readonly CandidateTx[]): Promise<void> {
    const runner = this.foreignJobs;
    if (runner === undefined || txs.length === 0) return;
    const scope = this.admissionScope(this.params());
    // Only a head start for `check`: whatever goes wrong here, the block runs (and checks) as without it.
    await runForeignAdmitJobs(
      txs,
      (c) => {
        try {
          // Only methods that hand back a job: the role check below is then the only state read.
          if (this.registry.method(c.tx.body.module, c.tx.body.method).admit === undefined) return undefined;
        } catch {
          return undefined;
        }
        return this.collectJob(c, scope);
      },
      runner,
      (c) => this.mempool.has(toHex(c.hash)),
    ).catch((e: unknown) => this.log.warn({ err: String(e) }, 'admission jobs before a block failed'));
  }

  private admissionScope(params: ChainParams): AdmissionScope {
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

  /**
   * Take this node's blocks above the last final one off the ledger (they are not final, so no
   * quorum vouches for them): the way back for a node whose block differs from the one a quorum
   * signed. Ordering stops first (a batch still arriving from the old orderer is ignored); the
   * group stays halted with `reason` until `resume()`. Returns the blocks removed.
   */
  async rewindToFinal(reason: GongzhiError): Promise<number> {
    this.haltedBy = reason;
    this.orderEpoch++;
    const orderer = this.orderer;
    this.orderer = undefined;
    if (!(await settleWithin(orderer?.stop(), CLOSE_WAIT_MS))) {
      this.log.warn({ waitedMs: CLOSE_WAIT_MS }, 'orderer did not stop in time; rewinding anyway');
    }
    if (this.storeClosed) return 0;
    const removed = this.store.rewindTo(this.final, this.params().maxValidityWindow);
    const head = this.store.latest();
    if (!head) throw new GongzhiError('STORAGE_FAILURE', 'no head block after rewind');
    this.head = head;
    this.admissionMemo = { height: -1, values: new Map() };
    this.finalAbove.clear();
    this.opts.metrics.height.set({ group: this.group }, head.height);
    this.log.warn({ height: head.height, removed }, 'rewound to the last final block');
    return removed;
  }

  /** Leave the halt a rewind set and order again from the head (after catching up from peers). */
  resume(): void {
    if (this.storeClosed || this.closing) return;
    this.haltedBy = undefined;
    this.startOrdering();
  }

  /** Halt with `err` in place of any earlier reason (a recovery that failed says why it stopped). */
  replaceHalt(err: GongzhiError): void {
    this.haltedBy = undefined;
    this.halt(err);
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
    return this.mempool.has(hashHex);
  }

  /** Resolve when the transaction is committed; reject if it is dropped or on timeout. */
  waitForCommit(hashHex: string, timeoutMs: number): Promise<CommitInfo> {
    const done = this.committed(hashHex);
    if (done) return Promise.resolve(done);
    if (!this.mempool.has(hashHex)) {
      const d = this.drops.get(hashHex);
      return Promise.reject(
        d ? d.error : new GongzhiError('TX_NOT_FOUND', 'transaction is neither pending nor committed'),
      );
    }
    return this.waiters.wait(hashHex, timeoutMs).catch((e: unknown) => {
      if (!(e instanceof GongzhiError) || e.code !== 'NODE_TIMEOUT' || !this.mempool.has(hashHex)) throw e;
      if (e.details.limit !== undefined) throw e; // too many waits: not about this transaction
      // Timed out while still pending: say whether the ordering service holds it (it will commit) or not yet.
      throw this.isOrdered(hashHex)
        ? new GongzhiError(
            'TX_PENDING_ORDERED',
            'not committed within the wait time; it is in the ordering stream and will commit',
            {
              hash: hashHex,
            },
          )
        : new GongzhiError(
            'TX_PENDING_NOT_ORDERED',
            'not committed within the wait time; the ordering service has not acknowledged it yet',
            { hash: hashHex },
          );
    });
  }

  /** `epoch`: the orderer's; a batch from one set aside by a rewind commits nothing. */
  private async onBatch(batch: OrderedBatch, epoch: number): Promise<void> {
    if (this.haltedBy || this.storeClosed || epoch !== this.orderEpoch) return;
    const t0 = process.hrtime.bigint();
    let result: BlockResult;
    try {
      await this.verifyRemote(batch.txs);
      await this.admitRemote(batch.txs);
      // Closed while the signatures were checked (close stopped waiting), or rewound (this batch
      // belongs to the chain that was taken off): nothing may commit now.
      if (this.storeClosed || epoch !== this.orderEpoch) return;
      // Execution reads and the commit in one SQLite transaction (one snapshot, one commit).
      const done = this.store.atomically(() => {
        const r = this.executor.execute(
          { parent: this.head.header, timestamp: batch.timestamp, order: batch.order, txs: batch.txs },
          this.store,
          this.store,
        );
        const sig = { node: this.opts.nodeId, sig: this.suite.sign(this.opts.nodeSecretKey, r.hash) };
        this.store.commitBlock(r, [sig]);
        return { result: r, head: this.committedHead(r.header.height) };
      });
      result = done.result;
      this.head = done.head;
      this.lastCutAt = process.hrtime.bigint();
    } catch (e) {
      const err = e instanceof GongzhiError ? e : new GongzhiError('STORAGE_FAILURE', String(e));
      // Skipping the block would put this node's chain out of step with the ordered stream: stop instead.
      this.halt(err);
      this.drop(batch.txs, err);
      return;
    }
    const now = process.hrtime.bigint();
    const m = this.opts.metrics;
    m.blocks.inc({ group: this.group });
    m.height.set({ group: this.group }, result.header.height);
    m.blockExecution.observe({ group: this.group }, Number(now - t0) / 1e9);
    this.settle(result, now);
  }

  /** A committed block's effects off the ledger: the pool, the waiters, the drop record, the listeners. */
  private settle(result: BlockResult, now: bigint): void {
    const m = this.opts.metrics;
    // The block is on disk: only now may waiters hear of it.
    const update = this.mempool.update(result.header.height, result.included, result.dropped);
    for (const p of update.included) {
      m.commitLatency.observe({ group: this.group }, Number(now - p.admittedAt) / 1e9);
    }
    result.included.forEach((c, i) => {
      const hex = toHex(c.hash);
      const receipt = result.receipts[i] as Receipt;
      m.txs.inc({ group: this.group, status: receipt.status });
      this.waiters.resolve(hex, { hash: hex, height: result.header.height, index: i, receipt });
    });
    for (const d of result.dropped) this.drops.add(toHex(d.hash), d.error);
    for (const r of update.removed) {
      this.drops.add(r.tx.hex, r.error);
      this.waiters.reject(r.tx.hex, r.error);
    }
    m.mempool.set({ group: this.group }, this.mempool.size);
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

  /** Transactions that will not be committed (not ordered, or the group halted): out, waiters told. */
  private drop(txs: readonly CandidateTx[], err: GongzhiError): void {
    const hashes = txs.map((c) => toHex(c.hash));
    this.mempool.remove(hashes);
    for (const hex of hashes) {
      this.drops.add(hex, err);
      this.waiters.reject(hex, err);
    }
  }

  /**
   * Finish the block in flight (waiting at most CLOSE_WAIT_MS), then close the database. A block
   * still executing past the wait cannot commit afterwards: onBatch sees the store closed. SQLite's
   * transaction keeps the file whole either way.
   */
  async close(): Promise<void> {
    if (this.storeClosed) return;
    this.closing = true;
    this.mempool.close();
    if (!(await settleWithin(this.orderer?.stop(), CLOSE_WAIT_MS))) {
      this.log.warn({ waitedMs: CLOSE_WAIT_MS }, 'orderer did not stop in time; closing the group anyway');
    }
    this.waiters.close();
    this.storeClosed = true;
    this.store.close();
  }
}
