/**
 * Builders of API responses from what a group ledger stores.
 */
import { fromHex, toBase64Url, toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { decodeReceipt, decodeTx } from '../ledger/index.js';
import type { GroupLedger } from '../node/group-ledger.js';
import type { StoredBlock, StoredTxEntry } from '../storage/index.js';
import {
  type BlockEventView,
  type BlockHeaderResponse,
  type BlockResponse,
  blockEventView,
  headerView,
  receiptView,
  signaturesView,
  stepsView,
  type TxIndexEntry,
  type TxReceiptResponse,
  type TxResponse,
  txView,
} from '../wire/index.js';
import { inclusionSteps } from './inclusion-steps.js';

/** Block by height or hash (hex), or BLOCK_NOT_FOUND. */
export function findBlock(g: GroupLedger, id: string): StoredBlock {
  const b = id.length === 64 ? g.store.blockByHash(fromHex(id)) : g.store.blockByHeight(Number(id));
  if (!b)
    throw new GongzhiError('BLOCK_NOT_FOUND', `no block ${id} in group ${g.group}`, { id, group: g.group });
  return b;
}

/** A block without its transaction list: only the blocks row is read. */
export function blockHeaderResponse(g: GroupLedger, b: StoredBlock): BlockHeaderResponse {
  return {
    height: b.height,
    hash: toHex(b.hash),
    header: headerView(b.header),
    headerRaw: toBase64Url(b.headerBytes),
    signatures: signaturesView(b.signatures),
    final: g.isFinal(b.height),
  };
}

export function blockResponse(g: GroupLedger, b: StoredBlock): BlockResponse {
  return {
    height: b.height,
    hash: toHex(b.hash),
    header: headerView(b.header),
    headerRaw: toBase64Url(b.headerBytes),
    signatures: signaturesView(b.signatures),
    final: g.isFinal(b.height),
    txs: g.store.txsOfBlock(b.height).map((t) => toHex(t.hash)),
  };
}

/**
 * A transaction that is not in a block (pending, or dropped by this node), or TX_NOT_FOUND: the
 * answer both look-ups give for it.
 */
function uncommitted(g: GroupLedger, hashHex: string): TxResponse {
  const pending = g.isPending(hashHex);
  const drop = pending ? undefined : g.dropped(hashHex);
  if (!pending && !drop) {
    throw new GongzhiError('TX_NOT_FOUND', 'transaction is neither pending nor committed', {
      hash: hashHex,
      group: g.group,
    });
  }
  return {
    hash: hashHex,
    ...(drop
      ? {
          status: 'dropped' as const,
          reason: { code: drop.error.code, message: drop.error.message, at: drop.at },
        }
      : { status: 'pending' as const, ordered: g.isOrdered(hashHex) }),
    suite: g.suite.id,
    height: null,
    index: null,
    tx: null,
    raw: null,
    receipt: null,
    receiptRaw: null,
    proof: null,
    receiptProof: null,
    block: null,
  };
}

/** The transaction and its receipt from its own row only (no proofs); TX_NOT_FOUND if unknown. */
export function txReceiptResponse(g: GroupLedger, hashHex: string): TxReceiptResponse {
  const stored = g.store.tx(fromHex(hashHex));
  if (!stored) {
    const { proof: _p, receiptProof: _r, block: _b, ...rest } = uncommitted(g, hashHex);
    return rest;
  }
  return {
    hash: hashHex,
    status: 'committed',
    suite: g.suite.id,
    height: stored.height,
    index: stored.index,
    tx: txView(g.suite, decodeTx(stored.tx), stored.hash, stored.sender),
    raw: toBase64Url(stored.tx),
    receipt: receiptView(decodeReceipt(stored.receipt)),
    receiptRaw: toBase64Url(stored.receipt),
  };
}

/** The transaction with its receipt and both inclusion proofs; TX_NOT_FOUND if unknown. */
export function txResponse(g: GroupLedger, hashHex: string): TxResponse {
  const suite = g.suite;
  const stored = g.store.tx(fromHex(hashHex));
  if (!stored) return uncommitted(g, hashHex);
  const block = g.store.blockByHeight(stored.height);
  if (!block)
    throw new GongzhiError('STORAGE_FAILURE', 'block of a stored transaction is missing', {
      height: stored.height,
    });
  const { txSteps, receiptSteps } = inclusionSteps(g, block, stored);
  const receipt = decodeReceipt(stored.receipt);
  return {
    hash: hashHex,
    status: 'committed',
    suite: suite.id,
    height: stored.height,
    index: stored.index,
    tx: txView(suite, decodeTx(stored.tx), stored.hash, stored.sender),
    raw: toBase64Url(stored.tx),
    receipt: receiptView(receipt),
    receiptRaw: toBase64Url(stored.receipt),
    proof: {
      txRoot: toHex(block.header.txRoot),
      steps: stepsView(txSteps),
    },
    receiptProof: {
      receiptRoot: toHex(block.header.receiptRoot),
      steps: stepsView(receiptSteps),
    },
    block: {
      hash: toHex(block.hash),
      header: toBase64Url(block.headerBytes),
      signatures: signaturesView(block.signatures),
    },
  };
}

export function txIndexEntry(t: StoredTxEntry): TxIndexEntry {
  return {
    hash: toHex(t.hash),
    height: t.height,
    index: t.index,
    sender: t.sender,
    module: t.module,
    method: t.method,
    status: t.status,
  };
}

/** SSE payload of a stored block (replay). */
export function storedBlockEventView(g: GroupLedger, b: StoredBlock): BlockEventView {
  const receipts = g.store.txsOfBlock(b.height).map((t) => decodeReceipt(t.receipt));
  return blockEventView(b.hash, b.header, receipts);
}
