import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { getSuite, type SuiteId, sm2DecompressPoint } from '../../src/crypto/index.js';
import { type CborValue, concatBytes, encodeCanonical, fromHex, toHex } from '../../src/encoding/index.js';
import { GongzhiError } from '../../src/errors/index.js';
import {
  type BlockHeader,
  blockHash,
  type CborMap,
  decodeHeader,
  decodeReceipt,
  decodeTx,
  encodeHeader,
  encodeReceipt,
  encodeTx,
  type Receipt,
  receiptHash,
  signTx,
  type TxBody,
  txBodyValue,
  txHash,
} from '../../src/ledger/index.js';

interface TxVector {
  suite: SuiteId;
  secretKey: string;
  publicKey: string;
  address: string;
  body: {
    chain: string;
    group: string;
    nonce: string;
    validUntil: number;
    module: string;
    method: string;
    args: Record<string, unknown>;
  };
  bodyHex: string;
  txHash: string;
  signature: string;
  signedTxHex: string;
}
interface HeaderVector {
  chain: string;
  group: string;
  height: number;
  parent: string;
  timestamp: number;
  txCount: number;
  txRoot: string;
  receiptRoot: string;
  stateRoot: string;
  order: Record<string, unknown>;
  headerHex: string;
  blockHashSha256: string;
  blockHashSm3: string;
}
interface ReceiptVector {
  tx: string;
  index: number;
  status: string;
  message?: string;
  events: { module: string; name: string; data: Record<string, unknown> }[];
  writes: [string, string | null][];
  receiptHex: string;
  receiptHashSha256: string;
  receiptHashSm3: string;
}
interface Vectors {
  tx: Record<'ed25519' | 'sm2', TxVector>;
  header: HeaderVector;
  receipts: ReceiptVector[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../vectors/ledger.json', import.meta.url), 'utf8'),
) as Vectors;

/** RFC 8032 §7.1 TEST 1 key pair. */
const RFC8032_TEST1 = {
  secretKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
};
const FIXED_DIGEST = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

const smCrypto = createRequire(import.meta.url)('sm-crypto') as {
  sm2: { doVerifySignature(msg: number[], sig: string, pub: string, opts: { hash: boolean }): boolean };
};

function fromJson(v: unknown): CborValue {
  if (Array.isArray(v)) return v.map(fromJson);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$bytes === 'string') return fromHex(o.$bytes);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromJson(x)]));
  }
  return v as CborValue;
}

function bodyOf(v: TxVector): TxBody {
  return {
    chain: v.body.chain,
    group: v.body.group,
    sender: fromHex(v.publicKey),
    nonce: v.body.nonce,
    validUntil: v.body.validUntil,
    module: v.body.module,
    method: v.body.method,
    args: fromJson(v.body.args) as CborMap,
  };
}

function headerOf(v: HeaderVector): BlockHeader {
  return {
    chain: v.chain,
    group: v.group,
    height: v.height,
    parent: fromHex(v.parent),
    timestamp: v.timestamp,
    txCount: v.txCount,
    txRoot: fromHex(v.txRoot),
    receiptRoot: fromHex(v.receiptRoot),
    stateRoot: fromHex(v.stateRoot),
    order: fromJson(v.order) as CborMap,
  };
}

function receiptOf(v: ReceiptVector): Receipt {
  return {
    tx: fromHex(v.tx),
    index: v.index,
    status: v.status,
    ...(v.message === undefined ? {} : { message: v.message }),
    events: v.events.map((e) => ({ module: e.module, name: e.name, data: fromJson(e.data) as CborMap })),
    writes: v.writes.map(([k, h]) => [k, h === null ? null : fromHex(h)] as const),
  };
}

/** A definite-length map (< 24 entries) whose entries are written in the given order, canonical or not. */
function mapInOrder(entries: readonly (readonly [string, CborValue])[]): Uint8Array {
  expect(entries.length).toBeLessThan(24);
  return concatBytes(
    Uint8Array.of(0xa0 | entries.length),
    ...entries.flatMap(([k, v]) => [encodeCanonical(k), encodeCanonical(v)]),
  );
}

function decodeError(bytes: Uint8Array): GongzhiError {
  try {
    decodeTx(bytes);
  } catch (e) {
    if (e instanceof GongzhiError) return e;
    throw e;
  }
  throw new Error('decodeTx accepted the input');
}

describe.each(['ed25519', 'sm2'] as const)('transaction golden vector (%s)', (id) => {
  const v = vectors.tx[id];
  const suite = getSuite(id);
  const sk = fromHex(v.secretKey);
  const body = bodyOf(v);

  it('describes the fixed body of the brief', () => {
    expect(v.suite).toBe(id);
    expect(v.body).toMatchObject({
      chain: 'vector-chain',
      group: 'g1',
      nonce: 'n1',
      validUntil: 10,
      module: 'evidence',
      method: 'anchor',
    });
    expect(v.body.args.digest).toEqual({ $bytes: FIXED_DIGEST });
    if (id === 'ed25519') expect(v.secretKey).toBe(RFC8032_TEST1.secretKey);
  });

  it('derives the stored public key and address', () => {
    expect(toHex(suite.publicKeyFromSecret(sk))).toBe(v.publicKey);
    expect(suite.address(fromHex(v.publicKey))).toBe(v.address);
    if (id === 'ed25519') expect(v.publicKey).toBe(RFC8032_TEST1.publicKey);
  });

  it('canonical body bytes and txHash', () => {
    const bodyBytes = encodeCanonical(txBodyValue(body));
    expect(toHex(bodyBytes)).toBe(v.bodyHex);
    expect(toHex(txHash(suite, body))).toBe(v.txHash);
    expect(toHex(suite.hash(fromHex(v.bodyHex)))).toBe(v.txHash);
    if (id === 'ed25519') {
      // Independent SHA-256.
      expect(createHash('sha256').update(fromHex(v.bodyHex)).digest('hex')).toBe(v.txHash);
    }
  });

  it('deterministic signature and full signed transaction', () => {
    const tx = signTx(suite, sk, body);
    expect(toHex(tx.sig)).toBe(v.signature);
    expect(toHex(encodeTx(tx))).toBe(v.signedTxHex);
    expect(suite.verify(fromHex(v.publicKey), fromHex(v.txHash), fromHex(v.signature))).toBe(true);
  });

  it('the stored signature verifies with an independent implementation', () => {
    const msg = fromHex(v.txHash);
    if (id === 'ed25519') {
      expect(ed25519.verify(fromHex(v.signature), msg, fromHex(v.publicKey))).toBe(true);
    } else {
      const pub = toHex(sm2DecompressPoint(fromHex(v.publicKey)));
      expect(smCrypto.sm2.doVerifySignature(Array.from(msg), v.signature, pub, { hash: true })).toBe(true);
    }
  });

  it('decodes the stored hex strictly and re-encodes it to the same bytes', () => {
    const tx = decodeTx(fromHex(v.signedTxHex));
    expect(toHex(encodeTx(tx))).toBe(v.signedTxHex);
    expect(toHex(tx.sig)).toBe(v.signature);
    expect(toHex(tx.body.sender)).toBe(v.publicKey);
    expect(toHex(encodeCanonical(txBodyValue(tx.body)))).toBe(v.bodyHex);
    expect(tx.body.nonce).toBe('n1');
    expect(tx.body.validUntil).toBe(10);
    expect(toHex(txHash(suite, tx.body))).toBe(v.txHash);
  });

  describe('decodeTx rejects', () => {
    const bodyValue = txBodyValue(body) as Record<string, CborValue>;
    const sig = fromHex(v.signature);

    it('an extra field in the body', () => {
      const e = decodeError(encodeCanonical({ body: { ...bodyValue, extra: 1 }, sig }));
      expect(e.code).toBe('TX_MALFORMED');
      expect(e.details.field).toBe('extra');
    });

    it('an extra top-level field', () => {
      const e = decodeError(encodeCanonical({ body: bodyValue, sig, x: 0 }));
      expect(e.code).toBe('TX_MALFORMED');
      expect(e.details.field).toBe('x');
    });

    it('a missing body field', () => {
      for (const missing of ['chain', 'nonce', 'validUntil', 'args', 'sender']) {
        const { [missing]: _, ...rest } = bodyValue;
        const e = decodeError(encodeCanonical({ body: rest, sig }));
        expect(e.code, missing).toBe('TX_MALFORMED');
        expect(e.details.field, missing).toBe(missing);
      }
    });

    it('a missing signature', () => {
      const e = decodeError(encodeCanonical({ body: bodyValue }));
      expect(e.code).toBe('TX_MALFORMED');
      expect(e.details.field).toBe('sig');
    });

    it('a non-canonical order of keys (top level and inside the body)', () => {
      // Sanity: the helper writes exactly the canonical bytes when given the canonical order.
      const canonicalBody = Object.entries(bodyValue).sort(([a], [b]) =>
        Buffer.compare(encodeCanonical(a), encodeCanonical(b)),
      );
      const canonical = mapInOrder([
        ['sig', sig],
        ['body', bodyValue],
      ]);
      expect(toHex(canonical)).toBe(v.signedTxHex);
      expect(toHex(mapInOrder(canonicalBody))).toBe(v.bodyHex);

      const swappedTop = mapInOrder([
        ['body', bodyValue],
        ['sig', sig],
      ]);
      expect(swappedTop.length).toBe(fromHex(v.signedTxHex).length);
      const e1 = decodeError(swappedTop);
      expect(e1.code).toBe('TX_MALFORMED');
      expect(e1.details.cause).toBe('ENCODING_NON_CANONICAL');

      // Body keys in declaration order (chain, group, sender, …) instead of canonical order.
      const swappedBody = concatBytes(
        Uint8Array.of(0xa2),
        encodeCanonical('sig'),
        encodeCanonical(sig),
        encodeCanonical('body'),
        mapInOrder(Object.entries(bodyValue)),
      );
      expect(swappedBody.length).toBe(fromHex(v.signedTxHex).length);
      const e2 = decodeError(swappedBody);
      expect(e2.code).toBe('TX_MALFORMED');
      expect(e2.details.cause).toBe('ENCODING_NON_CANONICAL');
    });

    it('trailing bytes', () => {
      for (const extra of [[0x00], [0xf6], [0xa0], [0x01, 0x02]]) {
        const e = decodeError(concatBytes(fromHex(v.signedTxHex), Uint8Array.from(extra)));
        expect(e.code).toBe('TX_MALFORMED');
      }
    });

    it('a truncated encoding', () => {
      const bytes = fromHex(v.signedTxHex);
      expect(decodeError(bytes.subarray(0, bytes.length - 1)).code).toBe('TX_MALFORMED');
    });
  });
});

describe('block header golden vector', () => {
  const v = vectors.header;
  const header = headerOf(v);

  it('canonical header bytes and block hash (sha256 and sm3)', () => {
    expect(toHex(encodeHeader(header))).toBe(v.headerHex);
    expect(toHex(blockHash(getSuite('ed25519'), header))).toBe(v.blockHashSha256);
    expect(toHex(blockHash(getSuite('sm2'), header))).toBe(v.blockHashSm3);
    expect(createHash('sha256').update(fromHex(v.headerHex)).digest('hex')).toBe(v.blockHashSha256);
  });

  it('decodes the stored hex strictly and re-encodes it to the same bytes', () => {
    const h = decodeHeader(fromHex(v.headerHex));
    expect(toHex(encodeHeader(h))).toBe(v.headerHex);
    expect(h.height).toBe(7);
    expect(h.timestamp).toBe(v.timestamp);
    expect(toHex(h.stateRoot)).toBe(v.stateRoot);
    expect(h.order).toEqual({ stream: 'solo', pos: 3 });
  });

  it('decodeHeader rejects trailing bytes and an extra field', () => {
    expect(() => decodeHeader(concatBytes(fromHex(v.headerHex), Uint8Array.of(0)))).toThrow(GongzhiError);
    const extra = encodeCanonical({ ...(decodeHeaderValue(v.headerHex) as Record<string, CborValue>), x: 1 });
    expect(() => decodeHeader(extra)).toThrow(/unknown field "x"/);
  });
});

function decodeHeaderValue(hex: string): CborValue {
  const h = decodeHeader(fromHex(hex));
  return {
    chain: h.chain,
    group: h.group,
    height: h.height,
    parent: h.parent,
    timestamp: h.timestamp,
    txCount: h.txCount,
    txRoot: h.txRoot,
    receiptRoot: h.receiptRoot,
    stateRoot: h.stateRoot,
    order: h.order,
  };
}

describe('receipt golden vectors', () => {
  it('has an ok receipt for the vector transaction and a failed one with a message', () => {
    expect(vectors.receipts.map((r) => r.status)).toEqual(['ok', 'EVIDENCE_EXISTS']);
    expect(vectors.receipts[0]?.tx).toBe(vectors.tx.ed25519.txHash);
    expect(vectors.receipts[1]?.message).toBeDefined();
  });

  it.each(vectors.receipts.map((r) => [r.status, r] as const))('receipt %s', (_, v) => {
    const r = receiptOf(v);
    expect(toHex(encodeReceipt(r))).toBe(v.receiptHex);
    expect(toHex(receiptHash(getSuite('ed25519'), r))).toBe(v.receiptHashSha256);
    expect(toHex(receiptHash(getSuite('sm2'), r))).toBe(v.receiptHashSm3);
    const back = decodeReceipt(fromHex(v.receiptHex));
    expect(toHex(encodeReceipt(back))).toBe(v.receiptHex);
    expect(back.status).toBe(v.status);
    expect(back.message).toBe(v.message);
    expect(back.writes.map(([k, h]) => [k, h === null ? null : toHex(h)])).toEqual(v.writes);
    expect(() => decodeReceipt(concatBytes(fromHex(v.receiptHex), Uint8Array.of(0)))).toThrow(GongzhiError);
  });
});
