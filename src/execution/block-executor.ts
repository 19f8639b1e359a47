import type { CryptoSuite } from '../crypto/index.js';
import { GongzhiError } from '../errors/index.js';
import {
  type BlockHeader,
  blockHash,
  type CborMap,
  encodeReceipt,
  type LedgerEvent,
  leafHash,
  levelsRoot,
  merkleLevels,
  type Receipt,
} from '../ledger/index.js';
import {
  nextStateRoot,
  type PendingWrite,
  StateOverlay,
  type StateSource,
  writeEntries,
} from '../state/index.js';
import { assertAdmissible, type CandidateTx, type NonceIndex, nonceKey } from './admission-check.js';
import type { Authorizer, ParamsReader } from './authorizer.js';
import type { CheckContext, ExecContext } from './module.js';
import type { ModuleRegistry } from './registry.js';
import { methodSubject, txSubject } from './tx-subject.js';

/** Input of one block: what the orderer decided. */
export interface BlockInput {
  readonly parent: BlockHeader;
  readonly timestamp: number;
  readonly order: CborMap;
  readonly txs: readonly CandidateTx[];
}

/** A transaction that the block builder dropped (never part of the block). */
export interface DroppedTx {
  readonly hash: Uint8Array;
  readonly error: GongzhiError;
}

/** Everything a block commit needs. */
export interface BlockResult {
  readonly header: BlockHeader;
  readonly hash: Uint8Array;
  readonly included: readonly CandidateTx[];
  readonly receipts: readonly Receipt[];
  /** Canonical bytes of each receipt (hashed into the receipt root, stored as is). */
  readonly receiptBytes: readonly Uint8Array[];
  /** The tx and receipt Merkle trees, kept with the block so proofs are read, not rebuilt. */
  readonly txTree: readonly (readonly Uint8Array[])[];
  readonly receiptTree: readonly (readonly Uint8Array[])[];
  readonly dropped: readonly DroppedTx[];
  readonly writes: ReadonlyMap<string, PendingWrite>;
  /** Each included transaction's subject (MethodDef.subject), for the node's index; not hashed. */
  readonly subjects: readonly (string | undefined)[];
}

export interface BlockExecutorOptions {
  readonly suite: CryptoSuite;
  readonly registry: ModuleRegistry;
  readonly authorizer: Authorizer;
  readonly params: ParamsReader;
}

/** Executes ordered batches into blocks: deterministic given parent, batch and state. */
export class BlockExecutor {
  constructor(private readonly opts: BlockExecutorOptions) {}

  /**
   * Build the block on top of `parent`: drop inadmissible transactions (expired, replayed,
   * bad signature…), execute the rest in order, each in its own overlay, and compute roots.
   */
  execute(input: BlockInput, source: StateSource, nonces: NonceIndex): BlockResult {
    const { suite, registry, authorizer } = this.opts;
    const parent = input.parent;
    const height = parent.height + 1;
    // Committed state does not change while a block executes, so the block layer may cache reads.
    const block = new StateOverlay(source, { cacheReads: true });
    const params = this.opts.params(block);
    const scope = { chain: parent.chain, group: parent.group, suite, params, height };
    const seen = new Set<string>();
    const blockNonces: NonceIndex = {
      has: (s, n) => seen.has(nonceKey(s, n)) || nonces.has(s, n),
    };
    // Digest of each written value by identity: the block's write set (state root) reuses the values
    // (same objects) whose digests the receipts computed, so each value is hashed once.
    const digests = new Map<Uint8Array, Uint8Array>();
    const digestOf = (v: Uint8Array): Uint8Array => {
      let d = digests.get(v);
      if (d === undefined) {
        d = suite.hash(v);
        digests.set(v, d);
      }
      return d;
    };
    const included: CandidateTx[] = [];
    const receipts: Receipt[] = [];
    const subjects: (string | undefined)[] = [];
    const dropped: DroppedTx[] = [];
    for (const c of input.txs) {
      if (included.length >= params.maxBlockTxs) {
        dropped.push({ hash: c.hash, error: new GongzhiError('MEMPOOL_FULL', 'block full; resubmit') });
        continue;
      }
      try {
        assertAdmissible(c, scope, blockNonces);
      } catch (e) {
        dropped.push({ hash: c.hash, error: asGongzhi(e) });
        continue;
      }
      seen.add(nonceKey(c.sender, c.tx.body.nonce));
      const index = included.length;
      included.push(c);
      const txState = new StateOverlay(block);
      const events: LedgerEvent[] = [];
      const body = c.tx.body;
      const checkCtx: CheckContext = {
        chain: parent.chain,
        group: parent.group,
        height,
        timestamp: input.timestamp,
        txHash: c.hash,
        sender: c.sender,
        senderKey: body.sender,
        suite,
        params,
        // A reader over the transaction's state, not the overlay itself: check cannot write.
        state: { getRaw: (k) => txState.getRaw(k), get: (k) => txState.get(k) },
      };
      const ctx: ExecContext = {
        ...checkCtx,
        state: txState,
        emit: (name, data) => {
          events.push({ module: body.module, name, data });
        },
      };
      // Parsed here when the transaction gets that far, else by the same rule from its body.
      let subject: string | undefined | null = null;
      try {
        const def = registry.method(body.module, body.method);
        authorizer.authorize(checkCtx.state, c.sender, body.module, body.method);
        const args = def.parse(body.args);
        subject = methodSubject(def, args);
        const prepared = def.check(checkCtx, args);
        def.apply(ctx, args, prepared);
        txState.mergeInto(block);
        receipts.push({
          tx: c.hash,
          index,
          status: 'ok',
          events,
          writes: writeEntries(suite, txState.writes(), digestOf),
        });
      } catch (e) {
        const err = asGongzhi(e);
        receipts.push({ tx: c.hash, index, status: err.code, message: err.message, events: [], writes: [] });
      }
      subjects.push(subject === null ? txSubject(registry, body) : subject);
    }
    const receiptBytes = receipts.map(encodeReceipt);
    const txTree = merkleLevels(
      suite.hash,
      included.map((c) => leafHash(suite.hash, c.hash)),
    );
    const receiptTree = merkleLevels(
      suite.hash,
      receiptBytes.map((b) => leafHash(suite.hash, suite.hash(b))),
    );
    const header: BlockHeader = {
      chain: parent.chain,
      group: parent.group,
      height,
      parent: blockHash(suite, parent),
      timestamp: input.timestamp,
      txCount: included.length,
      txRoot: levelsRoot(suite.hash, txTree),
      receiptRoot: levelsRoot(suite.hash, receiptTree),
      stateRoot: nextStateRoot(suite, parent.stateRoot, writeEntries(suite, block.writes(), digestOf)),
      order: input.order,
    };
    return {
      header,
      hash: blockHash(suite, header),
      included,
      receipts,
      receiptBytes,
      txTree,
      receiptTree,
      dropped,
      subjects,
      writes: block.writes(),
    };
  }
}

/** Non-Gongzhi throws from module code are bugs; they are recorded deterministically as EXEC_INTERNAL. */
function asGongzhi(e: unknown): GongzhiError {
  if (e instanceof GongzhiError) return e;
  return new GongzhiError('EXEC_INTERNAL', e instanceof Error ? e.message : String(e));
}
