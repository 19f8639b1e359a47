import type { CryptoSuite, KeyPair } from '../crypto/index.js';
import { decodeCanonical } from '../encoding/index.js';
import {
  type Authorizer,
  BlockExecutor,
  type BlockResult,
  type CandidateTx,
  type CheckContext,
  type LedgerModule,
  ModuleRegistry,
  QueryArgs,
} from '../execution/index.js';
import {
  type BlockHeader,
  type CborMap,
  DEFAULT_PARAMS,
  encodeTx,
  merkleRoot,
  txHash,
  ZERO_HASH,
} from '../ledger/index.js';
import { StateOverlay, type StateReader } from '../state/index.js';
import { GroupStore } from '../storage/index.js';

const PERMISSIVE: Authorizer = { authorize: () => undefined };

/**
 * A one-group chain on a node's own storage (GroupStore: SQLite, WAL) driven by the real block
 * executor, without an orderer or signatures: for growth benchmarks that must read state the way
 * a node does — from SQLite, not from a JavaScript map whose size the garbage collector walks.
 */
export class StoreChain {
  readonly store: GroupStore;
  private readonly registry: ModuleRegistry;
  private readonly executor: BlockExecutor;
  private nonce = 0;
  private readonly params = { ...DEFAULT_PARAMS, maxBlockTxs: 100_000, maxValidityWindow: 1_000_000 };
  head: BlockHeader;

  constructor(
    readonly suite: CryptoSuite,
    modules: readonly LedgerModule[],
    o: { readonly path: string; readonly timestamp: number; readonly chain: string },
  ) {
    this.store = new GroupStore(o.path, { check: false });
    this.registry = new ModuleRegistry(modules);
    const params = this.params;
    this.executor = new BlockExecutor({
      suite,
      registry: this.registry,
      authorizer: PERMISSIVE,
      params: () => params,
    });
    this.head = {
      chain: o.chain,
      group: 'main',
      height: 0,
      parent: ZERO_HASH,
      timestamp: o.timestamp,
      txCount: 0,
      txRoot: merkleRoot(suite.hash, []),
      receiptRoot: merkleRoot(suite.hash, []),
      stateRoot: ZERO_HASH,
      order: {},
    };
  }

  get group(): string {
    return this.head.group;
  }

  /** A pre-verified (unsigned) transaction from `key` calling `module.method`. */
  tx(key: KeyPair, module: string, method: string, args: CborMap): CandidateTx {
    this.nonce += 1;
    const body = {
      chain: this.head.chain,
      group: this.head.group,
      sender: key.publicKey,
      nonce: `s${this.nonce}`,
      validUntil: this.head.height + 500_000,
      module,
      method,
      args,
    };
    const tx = { body, sig: new Uint8Array(64) };
    return {
      tx,
      hash: txHash(this.suite, body),
      bytes: encodeTx(tx),
      sender: this.suite.address(key.publicKey),
      verified: true,
    };
  }

  /** Execute one block and commit it to the store. */
  run(txs: readonly CandidateTx[]): BlockResult {
    const res = this.executor.execute(
      { parent: this.head, timestamp: this.head.timestamp + 1000, order: {}, txs },
      this.store,
      this.store,
    );
    this.store.commitBlock(res, []);
    this.head = res.header;
    return res;
  }

  /**
   * Bulk load, for benchmarks that need a large ledger quickly: each of `txs` run through its
   * method's own parse, check and apply (the module's indexing code, each call in its own
   * overlay as the executor runs it) at the next height, and only the state rows written (as
   * writes at the head's height) — in key order, one SQLite transaction, the file's fsync off while
   * loading. No block, transaction, receipt or nonce rows and no state root: most of a commit's
   * cost at a million events, and nothing a state read looks at. The state is the one `run` of the same
   * transactions in one block leaves (tested); the head does not move. Throws on a refused call.
   */
  load(txs: readonly CandidateTx[]): void {
    const height = this.head.height + 1;
    const block = new StateOverlay(this.store, { cacheReads: true });
    const params = this.params;
    for (const c of txs) {
      const body = c.tx.body;
      const txState = new StateOverlay(block);
      const check: CheckContext = {
        chain: this.head.chain,
        group: this.head.group,
        height,
        timestamp: this.head.timestamp + 1000,
        txHash: c.hash,
        sender: c.sender,
        senderKey: body.sender,
        suite: this.suite,
        params,
        state: { getRaw: (k) => txState.getRaw(k), get: (k) => txState.get(k) },
      };
      const def = this.registry.method(body.module, body.method);
      const args = def.parse(body.args);
      def.apply({ ...check, state: txState, emit: () => {} }, args, def.check(check, args));
      txState.mergeInto(block);
    }
    const writes = block.writes();
    const db = this.store.db;
    // The state is its write history (storage/schema.ts): the loaded values are written as writes
    // at the head's height (a deletion as NULL), replacing any the head block made to the same key.
    const put = db.prepare<[number, string, Uint8Array | null]>(
      'INSERT OR REPLACE INTO state_writes (height, key, value) VALUES (?, ?, ?)',
    );
    db.pragma('synchronous = OFF');
    try {
      db.transaction(() => {
        for (const k of [...writes.keys()].sort()) {
          put.run(this.head.height, k, writes.get(k) ?? null);
        }
      })();
    } finally {
      db.pragma('synchronous = FULL');
    }
  }

  /** Committed state, read as GroupLedger reads it (a point read and a decode per key). */
  stateReader(): StateReader {
    const store = this.store;
    return {
      getRaw: (k) => store.getRaw(k),
      get: (k) => {
        const raw = store.getRaw(k);
        return raw === undefined ? undefined : decodeCanonical(raw);
      },
    };
  }

  get latest(): { readonly height: number } {
    return this.head;
  }

  query(module: string, name: string, args: Readonly<Record<string, unknown>> = {}): unknown {
    return this.registry
      .query(module, name)
      .run(
        { state: this.stateReader(), suite: this.suite, group: this.group, height: this.head.height },
        new QueryArgs(args),
      );
  }

  close(): void {
    this.store.close();
  }
}
