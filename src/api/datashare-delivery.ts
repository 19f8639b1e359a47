/**
 * Off-ledger delivery of a granted dataset version (issue 11 X, item 3), both sides:
 * - the owner's node (`serveDelivery`, used by routes/datashare.ts) serves the bytes of a version
 *   only for a delivery the ledger logged, only to the account that opened it, and only while the
 *   grant is live; it checks the file against the catalogue digest before sending it;
 * - the grantee (`fetchDelivery`, used by the CLI and the demo) proves it holds the account key
 *   that opened the delivery, decrypts, and checks the digest against the ledger's record.
 *
 * Encryption to the grantee: the grantee sends a fresh X25519 public key inside its signed
 * request; the owner answers with its own fresh X25519 key; both derive the key with HKDF over
 * the shared secret, salted with the delivery's transaction hash. Ciphers: AES-256-GCM, or on
 * SM2 chains SM4-CTR with HMAC-SM3 (encrypt-then-MAC; this OpenSSL has no SM4-GCM). Each key is
 * used once. The owner is authenticated by what it sends: bytes whose digest is the one its own
 * department published on the ledger.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import {
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { CryptoSuite, KeyPair } from '../crypto/index.js';
import { encodeCanonical, fromHex, toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import type { DeliveryJson, RequestJson } from '../modules/datashare/index.js';

/** What the grantee signs (canonical CBOR, hashed with the suite's hash). */
export const FETCH_TYPE = 'gongzhi.datashare.fetch';

export type DeliveryCipher = 'x25519-hkdf-aes-256-gcm' | 'x25519-hkdf-sm4-ctr-hmac-sm3';

/** The signed request the grantee sends to the owner's node. */
export interface FetchRequest {
  readonly delivery: number;
  /** The grantee account's public key (hex). */
  readonly publicKey: string;
  /** The grantee's fresh X25519 public key (hex, 32 bytes). */
  readonly ephemeral: string;
  /** Signature (hex) over H(CBOR {type, group, delivery, ephemeral}). */
  readonly sig: string;
}

/** Headers of a delivery response (the body is ciphertext followed by the 16/32-byte tag). */
export interface SealHeaders {
  readonly cipher: DeliveryCipher;
  /** The owner's fresh X25519 public key (hex). */
  readonly ephemeral: string;
  /** IV (hex). */
  readonly iv: string;
}

const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

function x25519Public(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new GongzhiError('API_BAD_REQUEST', 'ephemeral must be 32 bytes of hex', {});
  return createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function rawPublic(k: KeyObject): Uint8Array {
  return new Uint8Array(k.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI_PREFIX.length));
}

export function cipherFor(suite: CryptoSuite): DeliveryCipher {
  return suite.hashName === 'sm3' ? 'x25519-hkdf-sm4-ctr-hmac-sm3' : 'x25519-hkdf-aes-256-gcm';
}

/** 64 bytes of key material: the cipher key, then (SM4) the MAC key. */
function deriveKeys(
  shared: Buffer,
  cipher: DeliveryCipher,
  salt: Uint8Array,
  group: string,
  delivery: number,
) {
  const hash = cipher === 'x25519-hkdf-aes-256-gcm' ? 'sha256' : 'sm3';
  const okm = Buffer.from(hkdfSync(hash, shared, salt, `gongzhi.datashare.v1|${group}|${delivery}`, 64));
  return cipher === 'x25519-hkdf-aes-256-gcm'
    ? { enc: okm.subarray(0, 32), mac: undefined }
    : { enc: okm.subarray(0, 16), mac: okm.subarray(32, 64) };
}

const aad = (group: string, d: DeliveryJson) =>
  encodeCanonical({
    group,
    delivery: d.id,
    dataset: d.dataset,
    version: d.version,
    digest: fromHex(d.digest),
  });

/** The message the grantee signs. */
export function fetchMessage(
  suite: CryptoSuite,
  group: string,
  delivery: number,
  ephemeral: Uint8Array,
): Uint8Array {
  return suite.hash(encodeCanonical({ type: FETCH_TYPE, group, delivery, ephemeral }));
}

/** Where a node keeps the versions its department publishes: `<dataDir>/datashare/<group>/<dataset>/<version>`. */
export function storePath(dataDir: string, group: string, dataset: string, version: number): string {
  return join(dataDir, 'datashare', group, dataset, String(version));
}

/** Place a version's bytes in a node's store (the owner does this when it publishes the version). */
export function placeVersion(
  dataDir: string,
  group: string,
  dataset: string,
  version: number,
  bytes: Uint8Array,
): string {
  const p = storePath(dataDir, group, dataset, version);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, bytes);
  return p;
}

/** The suite hash of a file, streamed. */
export async function fileDigest(suite: CryptoSuite, path: string): Promise<Uint8Array> {
  const h = createHash(suite.hashName);
  await pipeline(createReadStream(path), h);
  return new Uint8Array(h.digest());
}

/** What the owner's node looks up on its committed ledger state. */
export interface LedgerLookup {
  delivery(id: number): DeliveryJson;
  request(id: number): RequestJson;
}

/**
 * Check a fetch request against the ledger and the store, then stream the encrypted version.
 * `now` is the node's clock (ms), used off the ledger to stop serving a grant that expired since
 * the delivery was opened. Each delivery is served once.
 */
export async function serveDelivery(o: {
  suite: CryptoSuite;
  group: string;
  dataDir: string;
  ledger: LedgerLookup;
  body: FetchRequest;
  now: number;
}): Promise<{ headers: SealHeaders; size: number; body: Readable }> {
  const { suite, group, body } = o;
  const d = o.ledger.delivery(body.delivery);
  const q = o.ledger.request(d.request);
  const publicKey = fromHex(body.publicKey);
  const ephemeral = fromHex(body.ephemeral);
  const signed = suite.verify(publicKey, fetchMessage(suite, group, d.id, ephemeral), fromHex(body.sig));
  if (!signed || suite.address(publicKey) !== d.account) {
    throw new GongzhiError(
      'DATASHARE_UNAUTHENTICATED',
      'not signed by the account that opened the delivery',
      {
        delivery: d.id,
      },
    );
  }
  if (q.status !== 'granted') {
    throw new GongzhiError(
      q.status === 'revoked' ? 'DATASHARE_REVOKED' : 'DATASHARE_NOT_GRANTED',
      'no live grant',
      {
        request: q.id,
      },
    );
  }
  if (q.expiresAt !== undefined && o.now >= q.expiresAt) {
    throw new GongzhiError('DATASHARE_EXPIRED', 'the grant has expired', { request: q.id });
  }
  const path = storePath(o.dataDir, group, d.dataset, d.version);
  if (d.version === 0 || !existsSync(path)) {
    throw new GongzhiError('DATASHARE_UNAVAILABLE', 'this node does not hold the version', {
      dataset: d.dataset,
      version: d.version,
    });
  }
  // Served once: the marker is created exclusively, so two concurrent fetches cannot both pass.
  const marker = join(o.dataDir, 'datashare', 'served', `${group}-${d.id}`);
  mkdirSync(dirname(marker), { recursive: true });
  try {
    closeSync(openSync(marker, 'wx'));
  } catch {
    throw new GongzhiError('DATASHARE_SERVED', 'this delivery was served already', { delivery: d.id });
  }
  const cipher = cipherFor(suite);
  const mine = generateKeyPairSync('x25519');
  const shared = diffieHellman({ privateKey: mine.privateKey, publicKey: x25519Public(ephemeral) });
  const k = deriveKeys(shared, cipher, fromHex(d.tx), group, d.id);
  const iv = randomBytes(16);
  const headers: SealHeaders = { cipher, ephemeral: toHex(rawPublic(mine.publicKey)), iv: toHex(iv) };
  const size = statSync(path).size;
  return {
    headers,
    size,
    body: createReadStream(path).pipe(
      sealStream(cipher, k, iv, aad(group, d), { hash: suite.hashName, digest: d.digest }),
    ),
  };
}

/** Encrypt a stream and append the tag (GCM) or the HMAC over aad ‖ iv ‖ ciphertext (SM4-CTR). */
function sealStream(
  cipher: DeliveryCipher,
  k: { enc: Buffer; mac: Buffer | undefined },
  iv: Buffer,
  ad: Uint8Array,
  expect: { hash: 'sha256' | 'sm3'; digest: string },
): Transform {
  // The file is checked against the catalogue while it is sent (one pass, not two): if it is not
  // the published version the stream fails before the tag, so the grantee gets nothing usable.
  const plain = createHash(expect.hash);
  const checked = (last: Buffer, tag: () => Buffer, cb: (e?: Error | null, d?: Buffer) => void) => {
    if (plain.digest('hex') !== expect.digest) {
      cb(new GongzhiError('DATASHARE_DIGEST_MISMATCH', 'the stored file is not the catalogue version', {}));
    } else cb(null, Buffer.concat([last, tag()]));
  };
  if (cipher === 'x25519-hkdf-aes-256-gcm') {
    const c = createCipheriv('aes-256-gcm', k.enc, iv.subarray(0, 12));
    c.setAAD(ad);
    return new Transform({
      transform(chunk: Buffer, _e, cb) {
        plain.update(chunk);
        cb(null, c.update(chunk));
      },
      flush(cb) {
        const last = c.final();
        checked(last, () => c.getAuthTag(), cb);
      },
    });
  }
  const c = createCipheriv('sm4-ctr', k.enc, iv);
  const mac = createHmac('sm3', k.mac as Buffer)
    .update(ad)
    .update(iv);
  return new Transform({
    transform(chunk: Buffer, _e, cb) {
      plain.update(chunk);
      const out = c.update(chunk);
      mac.update(out);
      cb(null, out);
    },
    flush(cb) {
      const last = c.final();
      mac.update(last);
      checked(last, () => mac.digest(), cb);
    },
  });
}

/**
 * Decrypt a sealed body (ciphertext ‖ tag) as it arrives, holding back the tag's bytes, and hash
 * the plaintext on the way; nothing is returned unless the tag verifies (any alteration in transit
 * is DATASHARE_DIGEST_MISMATCH).
 */
async function openStream(
  cipher: DeliveryCipher,
  k: { enc: Buffer; mac: Buffer | undefined },
  iv: Buffer,
  ad: Uint8Array,
  body: AsyncIterable<Uint8Array>,
  hashName: 'sha256' | 'sm3',
): Promise<{ plain: Buffer; digest: string }> {
  const fail = (): never => {
    throw new GongzhiError(
      'DATASHARE_DIGEST_MISMATCH',
      'the delivery does not decrypt: it was altered in transit',
      {},
    );
  };
  const gcm = cipher === 'x25519-hkdf-aes-256-gcm';
  const tagLen = gcm ? 16 : 32;
  const gcmD = gcm ? createDecipheriv('aes-256-gcm', k.enc, iv.subarray(0, 12)) : undefined;
  gcmD?.setAAD(ad);
  const d = gcmD ?? createDecipheriv('sm4-ctr', k.enc, iv);
  const mac = gcm
    ? undefined
    : createHmac('sm3', k.mac as Buffer)
        .update(ad)
        .update(iv);
  const h = createHash(hashName);
  const out: Buffer[] = [];
  let tail = Buffer.alloc(0);
  const take = (c: Buffer) => {
    mac?.update(c);
    const p = d.update(c);
    h.update(p);
    out.push(p);
  };
  for await (const chunk of body) {
    const all = tail.length === 0 ? Buffer.from(chunk) : Buffer.concat([tail, chunk]);
    if (all.length > tagLen) take(all.subarray(0, all.length - tagLen));
    tail = Buffer.from(all.subarray(Math.max(0, all.length - tagLen)));
  }
  if (tail.length < tagLen) return fail();
  if (gcm) {
    gcmD?.setAuthTag(tail);
  } else if (!timingSafeEqual(mac?.digest() ?? Buffer.alloc(0), tail)) return fail();
  try {
    const last = d.final();
    h.update(last);
    out.push(last);
  } catch {
    return fail();
  }
  return { plain: Buffer.concat(out), digest: h.digest('hex') };
}

/**
 * The grantee's side: ask the owner's node at `url` for delivery `d` (as recorded on the ledger),
 * decrypt, and check the bytes against the ledger's digest. Throws the owner's error code, or
 * DATASHARE_DIGEST_MISMATCH when what arrived is not the catalogue version.
 */
export async function fetchDelivery(o: {
  url: string;
  group: string;
  suite: CryptoSuite;
  key: KeyPair;
  delivery: DeliveryJson;
}): Promise<Uint8Array> {
  const { suite, group, delivery: d } = o;
  const mine = generateKeyPairSync('x25519');
  const eph = rawPublic(mine.publicKey);
  const req: FetchRequest = {
    delivery: d.id,
    publicKey: toHex(o.key.publicKey),
    ephemeral: toHex(eph),
    sig: toHex(suite.sign(o.key.secretKey, fetchMessage(suite, group, d.id, eph))),
  };
  const res = await fetch(`${o.url}/v1/groups/${group}/datashare/fetch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(req),
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    const e = body.error ?? {};
    throw new GongzhiError(
      (e.code ?? 'DATASHARE_UNAVAILABLE') as 'DATASHARE_UNAVAILABLE',
      e.message ?? `owner node answered ${res.status}`,
      { status: res.status },
    );
  }
  const cipher = res.headers.get('x-gongzhi-cipher') as DeliveryCipher;
  const theirs = fromHex(res.headers.get('x-gongzhi-ephemeral') ?? '');
  const iv = Buffer.from(fromHex(res.headers.get('x-gongzhi-iv') ?? ''));
  if (cipher !== cipherFor(suite) || iv.length !== 16) {
    throw new GongzhiError('DATASHARE_DIGEST_MISMATCH', 'unexpected cipher or IV from the owner node', {});
  }
  const shared = diffieHellman({ privateKey: mine.privateKey, publicKey: x25519Public(theirs) });
  const k = deriveKeys(shared, cipher, fromHex(d.tx), group, d.id);
  if (res.body === null)
    throw new GongzhiError('DATASHARE_UNAVAILABLE', 'empty answer from the owner node', {});
  let opened: { plain: Buffer; digest: string };
  try {
    opened = await openStream(
      cipher,
      k,
      iv,
      aad(group, d),
      Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
      suite.hashName,
    );
  } catch (e) {
    if (e instanceof GongzhiError) throw e;
    // The owner's node aborts the stream when its file is not the catalogue version.
    throw new GongzhiError('DATASHARE_UNAVAILABLE', `the delivery was cut off: ${String(e)}`, {
      delivery: d.id,
    });
  }
  const plain = opened.plain;
  if (opened.digest !== d.digest) {
    throw new GongzhiError('DATASHARE_DIGEST_MISMATCH', 'the bytes received are not the catalogue version', {
      delivery: d.id,
      expected: d.digest,
    });
  }
  return new Uint8Array(plain);
}
