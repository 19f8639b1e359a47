import type { CryptoSuite, KeyPair } from '../crypto/index.js';
import {
  type Authorizer,
  BlockExecutor,
  type BlockResult,
  type CandidateTx,
  type LedgerModule,
  ModuleRegistry,
  nonceKey,
  QueryArgs,
} from '../execution/index.js';
import {
  type BlockHeader,
  type CborMap,
  type ChainParams,
  DEFAULT_PARAMS,
  encodeTx,
  merkleRoot,
  type SignedTx,
  signTx,
  txHash,
  ZERO_HASH,
} from '../ledger/index.js';
import { MapSource, StateOverlay, type StateReader } from '../state/index.js';

const PERMISSIVE: Authorizer = { authorize: () => undefined };

export interface MemoryChainOptions {
  readonly suite: CryptoSuite;
  readonly modules: readonly LedgerModule[];
  readonly authorizer?: Authorizer;
  readonly params?: ChainParams;
  /** Timestamp of the genesis header (ms). */
  readonly timestamp: number;
  /** Chain id in headers and transactions (default "memory"). */
  readonly chain?: string;
  /**
   * Keys whose committed values are not kept in memory (counted in `sunkBytes` instead), as a node
   * keeps write-once records on disk. Reading such a key later finds nothing — use only for keys the
   * workload never reads back (e.g. journal entries in a benchmark).
   */
  readonly sink?: (key: string) => boolean;
}

/**
 * A one-group chain held in memory and driven through the real `BlockExecutor` (admission checks,
 * per-transaction overlays, receipts, roots) — no storage, no orderer. For tests and benchmarks.
 * Transactions are either signed, or marked pre-verified (`sign: false`) to leave signature cost out.
 */
export class MemoryChain {
  readonly state = new Map<string, Uint8Array>();
  private readonly nonces = new Set<string>();
  private readonly executor: BlockExecutor;
  private readonly registry: ModuleRegistry;
  private nonce = 0;
  private readonly params: ChainParams;
  /** Bytes of committed values not kept (see `sink`). */
  sunkBytes = 0;
  sunkKeys = 0;
  head: BlockHeader;

  constructor(private readonly opts: MemoryChainOptions) {
    this.registry = new ModuleRegistry(opts.modules);
    const params = opts.params ?? { ...DEFAULT_PARAMS, maxBlockTxs: 100_000, maxValidityWindow: 1_000_000 };
    this.params = params;
    this.executor = new BlockExecutor({
      suite: opts.suite,
      registry: this.registry,
      authorizer: opts.authorizer ?? PERMISSIVE,
      params: () => params,
    });
    this.head = {
      chain: opts.chain ?? 'memory',
      group: 'g1',
      height: 0,
      parent: ZERO_HASH,
      timestamp: opts.timestamp,
      txCount: 0,
      txRoot: merkleRoot(opts.suite.hash, []),
      receiptRoot: merkleRoot(opts.suite.hash, []),
      stateRoot: ZERO_HASH,
      order: {},
    };
  }

  /** A transaction from `key` calling `module.method`. */
  tx(key: KeyPair, module: string, method: string, args: CborMap, o: { sign?: boolean } = {}): CandidateTx {
    const suite = this.opts.suite;
    this.nonce += 1;
    const body = {
      chain: this.head.chain,
      group: this.head.group,
      sender: key.publicKey,
      nonce: `m${this.nonce}`,
      validUntil: this.head.height + Math.min(500_000, this.params.maxValidityWindow),
      module,
      method,
      args,
    };
    const sign = o.sign ?? true;
    const tx = sign ? signTx(suite, key.secretKey, body) : { body, sig: new Uint8Array(64) };
    return {
      tx,
      hash: txHash(suite, body),
      bytes: encodeTx(tx),
      sender: suite.address(key.publicKey),
      verified: !sign,
    };
  }

  /** The block-building candidate for a signed transaction (its signature still to be checked). */
  candidate(tx: SignedTx): CandidateTx {
    const suite = this.opts.suite;
    return {
      tx,
      hash: txHash(suite, tx.body),
      bytes: encodeTx(tx),
      sender: suite.address(tx.body.sender),
      verified: false,
    };
  }

  /** Execute one block of signed transactions (as they would arrive from the orderer). */
  runSigned(txs: readonly SignedTx[]): BlockResult {
    return this.run(txs.map((t) => this.candidate(t)));
  }

  /** Execute one block of `txs` at `timestamp` (default: one second after the head) and apply it. */
  run(txs: readonly CandidateTx[], timestamp = this.head.timestamp + 1000): BlockResult {
    const res = this.executor.execute(
      { parent: this.head, timestamp, order: {}, txs },
      new MapSource(this.state),
      { has: (s, n) => this.nonces.has(nonceKey(s, n)) },
    );
    const sink = this.opts.sink;
    for (const [k, v] of res.writes) {
      if (v === null) this.state.delete(k);
      else if (sink?.(k)) {
        this.sunkBytes += k.length + v.length;
        this.sunkKeys += 1;
      } else this.state.set(k, v);
    }
    for (const c of res.included) this.nonces.add(nonceKey(c.sender, c.tx.body.nonce));
    this.head = res.header;
    return res;
  }

  reader(): StateReader {
    return new StateOverlay(new MapSource(this.state));
  }

  query(module: string, name: string, args: Readonly<Record<string, unknown>> = {}): unknown {
    return this.registry
      .query(module, name)
      .run(
        { state: this.reader(), suite: this.opts.suite, group: this.head.group, height: this.head.height },
        new QueryArgs(args),
      );
  }
}
