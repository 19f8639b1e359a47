import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { getSuite } from '../crypto/index.js';
import { bytesEqual, fromHex, toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import {
  BlockExecutor,
  type CandidateTx,
  type LedgerModule,
  ModuleRegistry,
  nonceKey,
} from '../execution/index.js';
import {
  blockHash,
  decodeHeader,
  decodeSignatures,
  decodeTx,
  encodeReceipt,
  type Genesis,
} from '../ledger/index.js';
import { governanceAuthorizer, listNodes, readParams } from '../modules/governance/index.js';
import { type PendingWrite, StateOverlay, type StateSource } from '../state/index.js';
import { asStorageError, checkStoreIntegrity, iterateCurrentState } from '../storage/index.js';
import { StoredTreeCheck } from './chain-verify-trees.js';
import { buildGenesisBlock } from './genesis-block.js';

/** Outcome of re-checking one group's file. */
export interface ChainVerifyReport {
  readonly group: string;
  readonly blocks: number;
  readonly txs: number;
  readonly headHash: string;
  readonly stateRoot: string;
  /** Live `state` rows compared equal to the replayed state. */
  readonly stateKeys: number;
  /** Live `nonces` rows compared equal to the replayed nonce index. */
  readonly nonces: number;
  /** Stored Merkle trees (block_trees, tx and receipt) compared equal to the replayed trees. */
  readonly trees: number;
}

/** In-memory state used for replay. */
class MemoryState implements StateSource {
  readonly map = new Map<string, Uint8Array>();
  /** nonceKey → validUntil, pruned as GroupStore.commitBlock prunes. */
  readonly nonces = new Map<string, number>();
  getRaw(key: string): Uint8Array | undefined {
    return this.map.get(key);
  }
  has(sender: string, nonce: string): boolean {
    return this.nonces.has(nonceKey(sender, nonce));
  }
  apply(writes: ReadonlyMap<string, PendingWrite>): void {
    for (const [k, v] of writes) {
      if (v === null) this.map.delete(k);
      else this.map.set(k, v);
    }
  }
}

function fail(message: string, details: Record<string, string | number> = {}): never {
  throw new GongzhiError('CHAIN_INVALID', message, details);
}

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** The replayed state must equal the stored current state (each key's latest write), key by key. */
function compareState(db: Database.Database, state: MemoryState): number {
  let n = 0;
  for (const row of iterateCurrentState(db)) {
    const want = state.map.get(row.key);
    if (want === undefined) {
      throw new GongzhiError('CHAIN_STATE_MISMATCH', `stored state has key ${row.key} that no block wrote`, {
        key: row.key,
        kind: 'extra',
      });
    }
    if (!bytesEqual(want, u8(row.value))) {
      throw new GongzhiError('CHAIN_STATE_MISMATCH', `stored state key ${row.key} differs from the replay`, {
        key: row.key,
        kind: 'differs',
      });
    }
    n++;
  }
  if (n !== state.map.size) {
    const stored = new Set(Array.from(iterateCurrentState(db), (r) => r.key));
    const missing = [...state.map.keys()].find((k) => !stored.has(k)) ?? '';
    throw new GongzhiError(
      'CHAIN_STATE_MISMATCH',
      `stored state lacks key ${missing} that the blocks wrote`,
      {
        key: missing,
        kind: 'missing',
        stored: n,
        replayed: state.map.size,
      },
    );
  }
  return n;
}

/** The replayed nonce index (after the same pruning) must equal the live `nonces` table. */
function compareNonces(db: Database.Database, state: MemoryState): number {
  let n = 0;
  for (const row of db
    .prepare<[], { sender: string; nonce: string; valid_until: number }>(
      'SELECT sender, nonce, valid_until FROM nonces',
    )
    .iterate()) {
    const want = state.nonces.get(nonceKey(row.sender, row.nonce));
    if (want !== row.valid_until) {
      throw new GongzhiError(
        'CHAIN_NONCES_MISMATCH',
        `stored nonce ${row.nonce} of ${row.sender} is not one the blocks' transactions used`,
        { sender: row.sender, nonce: row.nonce, kind: want === undefined ? 'extra' : 'differs' },
      );
    }
    n++;
  }
  if (n !== state.nonces.size) {
    throw new GongzhiError(
      'CHAIN_NONCES_MISMATCH',
      `the nonce index holds ${n} nonces, the blocks' transactions ${state.nonces.size} (rows deleted?)`,
      { stored: n, replayed: state.nonces.size, kind: 'missing' },
    );
  }
  return n;
}

/**
 * Re-check a group's SQLite file offline: genesis, every header hash and parent link, every
 * signature (transactions and block signers against the node keys in force), and replay of every
 * block's execution from genesis to the same transaction, receipt and state roots.
 */
export function verifyChainFile(
  path: string,
  modules: readonly LedgerModule[],
  onProgress?: (height: number, head: number) => void,
): ChainVerifyReport {
  if (!existsSync(path)) throw new GongzhiError('INPUT_NOT_FOUND', `no such file ${path}`, { path });
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw asStorageError(e, path);
  }
  try {
    // The same cheap check a node runs at start (SQLite quick_check, head rows, head state root).
    checkStoreIntegrity(db, path);
    const metaRow = db
      .prepare<[string], { value: Buffer }>('SELECT value FROM meta WHERE key = ?')
      .get('genesis');
    if (!metaRow) fail('file has no genesis');
    const genesis = JSON.parse(metaRow.value.toString('utf8')) as Genesis;
    const suite = getSuite(genesis.suite);
    const registry = new ModuleRegistry(modules);
    const executor = new BlockExecutor({
      suite,
      registry,
      authorizer: governanceAuthorizer,
      params: readParams,
    });
    const g0 = buildGenesisBlock(suite, registry, genesis);
    const blocks = db.prepare<[], { height: number; hash: Buffer; header: Buffer; signatures: Buffer }>(
      'SELECT height, hash, header, signatures FROM blocks ORDER BY height',
    );
    const txsOf = db.prepare<[number], { hash: Buffer; tx: Buffer; receipt: Buffer }>(
      'SELECT hash, tx, receipt FROM txs WHERE height = ? ORDER BY idx',
    );
    const head = db.prepare<[], { h: number }>('SELECT max(height) AS h FROM blocks').get()?.h ?? 0;
    const state = new MemoryState();
    const trees = new StoredTreeCheck(db);
    let prevHeader = g0.header;
    let count = 0;
    let txs = 0;
    for (const row of blocks.iterate()) {
      const header = decodeHeader(row.header);
      const hash = blockHash(suite, header);
      if (!bytesEqual(hash, row.hash))
        fail('stored block hash does not match its header', { height: row.height });
      if (header.height !== row.height || header.height !== count) fail('height gap', { height: row.height });
      if (row.height === 0) {
        if (!bytesEqual(hash, g0.hash)) fail('genesis block does not match the genesis document');
        state.apply(g0.writes);
      } else {
        const stored = txsOf.all(row.height);
        const candidates: CandidateTx[] = stored.map((t) => {
          const tx = decodeTx(t.tx);
          return {
            tx,
            hash: new Uint8Array(t.hash),
            bytes: new Uint8Array(t.tx),
            sender: suite.address(tx.body.sender),
            verified: false,
          };
        });
        const result = executor.execute(
          { parent: prevHeader, timestamp: header.timestamp, order: header.order, txs: candidates },
          state,
          state,
        );
        if (result.dropped.length > 0) {
          fail(`block contains an inadmissible transaction (${result.dropped[0]?.error.code})`, {
            height: row.height,
          });
        }
        if (header.timestamp <= prevHeader.timestamp)
          fail('timestamps must increase', { height: row.height });
        if (!bytesEqual(result.hash, hash)) {
          const field = !bytesEqual(result.header.stateRoot, header.stateRoot)
            ? 'stateRoot'
            : !bytesEqual(result.header.receiptRoot, header.receiptRoot)
              ? 'receiptRoot'
              : 'header';
          fail(`replay does not reproduce the block (${field} differs)`, { height: row.height });
        }
        trees.check(header, result.txTree, result.receiptTree);
        result.receipts.forEach((r, i) => {
          const s = stored[i];
          if (!s || !bytesEqual(encodeReceipt(r), s.receipt))
            fail('stored receipt differs from replay', { height: row.height, index: i });
        });
        // Block signatures: by nodes registered at the parent state.
        const reader = new StateOverlay(state);
        const nodes = new Map(listNodes(reader).map((n) => [n.id, n.publicKey]));
        const sigs = decodeSignatures(row.signatures);
        if (sigs.length === 0) fail('block is not signed', { height: row.height });
        for (const s of sigs) {
          const key = nodes.get(s.node);
          if (!key || !suite.verify(fromHex(key), hash, s.sig))
            fail(`bad signature by ${s.node}`, { height: row.height });
        }
        state.apply(result.writes);
        for (const c of result.included)
          state.nonces.set(nonceKey(c.sender, c.tx.body.nonce), c.tx.body.validUntil);
        // GroupStore.commitBlock prunes expired nonces every 100 blocks: the replay does the same.
        if (row.height % 100 === 0) {
          for (const [k, until] of state.nonces) if (until < row.height) state.nonces.delete(k);
        }
        txs += candidates.length;
      }
      prevHeader = header;
      count++;
      onProgress?.(row.height, head);
    }
    if (count === 0) fail('file has no blocks');
    const stateKeys = compareState(db, state);
    const nonces = compareNonces(db, state);
    return {
      group: genesis.group,
      blocks: count,
      txs,
      headHash: toHex(blockHash(suite, prevHeader)),
      stateRoot: toHex(prevHeader.stateRoot),
      stateKeys,
      nonces,
      trees: trees.checked * 2,
    };
  } catch (e) {
    throw asStorageError(e, path);
  } finally {
    db.close();
  }
}
