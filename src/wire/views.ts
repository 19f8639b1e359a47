/**
 * JSON views of ledger structures (transaction, event, receipt, header, signatures, Merkle
 * steps, block event): schema, type and the converter from the decoded ledger value, side by
 * side. Views are for reading; whatever must be verified also travels as canonical bytes.
 */
import type { Static } from '@sinclair/typebox';
import { toHex } from '../encoding/index.js';
import type {
  BlockHeader,
  BlockSignature,
  LedgerEvent,
  MerkleStep,
  Receipt,
  SignedTx,
} from '../ledger/index.js';
import { cborMapToJson, JsonObjectSchema } from './json.js';
import { StringEnum, T } from './schema.js';

const str = () => T.String();
const int = () => T.Integer();

export const TxViewSchema = T.Object(
  {
    hash: str(),
    chain: str(),
    group: str(),
    sender: T.String({ description: 'Sender address' }),
    senderKey: T.String({ description: 'Sender public key (hex)' }),
    nonce: str(),
    validUntil: int(),
    module: str(),
    method: str(),
    args: JsonObjectSchema,
    sig: str(),
  },
  { description: 'A signed transaction as JSON' },
);
/** A signed transaction as JSON (`sender` is the `gz…` address, `sig` hex). */
export type TxView = Static<typeof TxViewSchema>;

/** What `txView` needs of a crypto suite (any suite of src/crypto fits). */
export interface AddressDeriver {
  address(publicKey: Uint8Array): string;
}

/** JSON view of a signed transaction. `hash` is its tx hash; `sender` its address when known. */
export function txView(suite: AddressDeriver, tx: SignedTx, hash: Uint8Array, sender?: string): TxView {
  const b = tx.body;
  let address = sender;
  if (address === undefined) {
    try {
      address = suite.address(b.sender);
    } catch {
      address = '';
    }
  }
  return {
    hash: toHex(hash),
    chain: b.chain,
    group: b.group,
    sender: address,
    senderKey: toHex(b.sender),
    nonce: b.nonce,
    validUntil: b.validUntil,
    module: b.module,
    method: b.method,
    args: cborMapToJson(b.args),
    sig: toHex(tx.sig),
  };
}

export const EventViewSchema = T.Object({ module: str(), name: str(), data: JsonObjectSchema });
/** An event as JSON. */
export type EventView = Static<typeof EventViewSchema>;

export function eventView(e: LedgerEvent): EventView {
  return { module: e.module, name: e.name, data: cborMapToJson(e.data) };
}

export const ReceiptViewSchema = T.Object({
  tx: str(),
  index: int(),
  status: T.String({ description: "'ok' or an execution error code" }),
  message: T.Optional(str()),
  events: T.Array(EventViewSchema),
  /** [state key, hex of H(new value) or null for a deletion]. */
  writes: T.Unsafe<[string, string | null][]>({
    type: 'array',
    items: { type: 'array', items: { type: ['string', 'null'] } },
  }),
});
/** A receipt as JSON: `tx` hex, `status` 'ok' or the error code, `writes` [key, hex of H(value) | null]. */
export type ReceiptView = Static<typeof ReceiptViewSchema>;

export function receiptView(r: Receipt): ReceiptView {
  return {
    tx: toHex(r.tx),
    index: r.index,
    status: r.status,
    ...(r.message === undefined ? {} : { message: r.message }),
    events: r.events.map(eventView),
    writes: r.writes.map(([k, h]) => [k, h === null ? null : toHex(h)]),
  };
}

export const HeaderViewSchema = T.Object({
  chain: str(),
  group: str(),
  height: int(),
  parent: str(),
  timestamp: int(),
  txCount: int(),
  txRoot: str(),
  receiptRoot: str(),
  stateRoot: str(),
  order: JsonObjectSchema,
});
/** A block header as JSON. */
export type HeaderView = Static<typeof HeaderViewSchema>;

export function headerView(h: BlockHeader): HeaderView {
  return {
    chain: h.chain,
    group: h.group,
    height: h.height,
    parent: toHex(h.parent),
    timestamp: h.timestamp,
    txCount: h.txCount,
    txRoot: toHex(h.txRoot),
    receiptRoot: toHex(h.receiptRoot),
    stateRoot: toHex(h.stateRoot),
    order: cborMapToJson(h.order),
  };
}

export const SignatureViewSchema = T.Object({ node: str(), sig: str() });
/** A node signature over a block hash, as JSON. */
export type SignatureView = Static<typeof SignatureViewSchema>;
export const SignaturesSchema = T.Array(SignatureViewSchema);

export function signaturesView(sigs: readonly BlockSignature[]): SignatureView[] {
  return sigs.map((s) => ({ node: s.node, sig: toHex(s.sig) }));
}

export const MerkleStepViewSchema = T.Object({ side: StringEnum(['left', 'right']), hash: str() });
/** One Merkle proof step as JSON. */
export type MerkleStepView = Static<typeof MerkleStepViewSchema>;
export const MerkleStepsSchema = T.Array(MerkleStepViewSchema);

export function stepsView(steps: readonly MerkleStep[]): MerkleStepView[] {
  return steps.map((s) => ({ side: s.side, hash: toHex(s.hash) }));
}

export const BlockEventTxSchema = T.Object({
  hash: str(),
  index: int(),
  status: str(),
  events: T.Array(EventViewSchema),
});
/** One transaction's outcome in a block event. */
export type BlockEventTx = Static<typeof BlockEventTxSchema>;

export const BlockEventViewSchema = T.Object(
  {
    group: str(),
    height: int(),
    hash: str(),
    timestamp: int(),
    parent: str(),
    txCount: int(),
    txRoot: str(),
    receiptRoot: str(),
    stateRoot: str(),
    txs: T.Array(BlockEventTxSchema),
  },
  { description: '`data` of an SSE `block` message (its SSE `id` is the height)' },
);
/** `data` of an SSE `block` message (its SSE `id` is the height). */
export type BlockEventView = Static<typeof BlockEventViewSchema>;

/** SSE payload of a block, from its hash, header and receipts. */
export function blockEventView(
  hash: Uint8Array,
  header: BlockHeader,
  receipts: readonly Receipt[],
): BlockEventView {
  return {
    group: header.group,
    height: header.height,
    hash: toHex(hash),
    timestamp: header.timestamp,
    parent: toHex(header.parent),
    txCount: header.txCount,
    txRoot: toHex(header.txRoot),
    receiptRoot: toHex(header.receiptRoot),
    stateRoot: toHex(header.stateRoot),
    txs: receipts.map((r) => ({
      hash: toHex(r.tx),
      index: r.index,
      status: r.status,
      events: r.events.map(eventView),
    })),
  };
}
