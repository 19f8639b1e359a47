/**
 * Off-ledger delivery of a granted dataset version (issue 11 X, item 3), both sides:
 * - the owner's node (`serveDelivery`, used by routes/datashare.ts) serves the bytes of a version
 *   only for a delivery the ledger logged, only to the account that opened it (its signed request),
 *   and only while the grant is live; it checks the file against the catalogue digest as it sends;
 * - the grantee (`fetchDelivery`, used by the CLI and the demo) checks that the node that answered
 *   is one of the owner department's nodes on the ledger and that it confirmed the key agreement
 *   with that node key, decrypts, and checks the digest against the ledger's record.
 * The key agreement and ciphers (SM2 key exchange + SM4 on SM2 chains, X25519 + AES-256-GCM
 * otherwise) are in ./datashare-seal.ts. Each key is used once; each delivery is served once.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CryptoSuite, KeyPair } from '../crypto/index.js';
import { encodeCanonical, fromHex, toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import type { DeliveryJson, RequestJson } from '../modules/datashare/index.js';
import {
  cipherFor,
  type DeliveryCipher,
  granteeStart,
  openStream,
  ownerAgree,
  type SealContext,
  sealStream,
} from './datashare-seal.js';

export { cipherFor, type DeliveryCipher } from './datashare-seal.js';

/** What the grantee signs (canonical CBOR, hashed with the suite's hash). */
export const FETCH_TYPE = 'gongzhi.datashare.fetch';

/** The signed request the grantee sends to the owner's node. */
export interface FetchRequest {
  readonly delivery: number;
  /** The grantee account's public key (hex). */
  readonly publicKey: string;
  /** The grantee's fresh ephemeral public key (hex): X25519 (32 bytes) or an SM2 point (33 bytes). */
  readonly ephemeral: string;
  /** Signature (hex) over H(CBOR {type, group, delivery, ephemeral}). */
  readonly sig: string;
}

/** Headers of a delivery response (the body is the ciphertext, then the tag for AES-GCM). */
export interface SealHeaders {
  readonly cipher: DeliveryCipher;
  /** The owner node's fresh ephemeral public key (hex). */
  readonly ephemeral: string;
  /** IV (hex). */
  readonly iv: string;
  /** The serving node's id and public key (hex), as in the genesis. */
  readonly node: string;
  readonly nodeKey: string;
  /** S_B of the SM2 key exchange, or the node's signature over the X25519 transcript (hex). */
  readonly confirm: string;
}

/** The response headers that carry `SealHeaders`. */
export function sealHeaderFields(h: SealHeaders): Record<string, string> {
  return {
    'x-gongzhi-cipher': h.cipher,
    'x-gongzhi-ephemeral': h.ephemeral,
    'x-gongzhi-iv': h.iv,
    'x-gongzhi-node': h.node,
    'x-gongzhi-node-key': h.nodeKey,
    'x-gongzhi-confirm': h.confirm,
  };
}

const aad = (group: string, d: DeliveryJson) =>
  encodeCanonical({
    group,
    delivery: d.id,
    dataset: d.dataset,
    version: d.version,
    digest: fromHex(d.digest),
  });

const sealContext = (group: string, d: DeliveryJson): SealContext => ({
  group,
  delivery: d.id,
  tx: fromHex(d.tx),
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
  /** The serving node's id and key pair (the owner department's node in the genesis). */
  node: { id: string; key: KeyPair };
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
      { request: q.id },
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
  // Agree before the served marker, so a malformed ephemeral key does not use the delivery up.
  const agreed = ownerAgree({
    suite,
    nodeKey: o.node.key,
    granteePublicKey: publicKey,
    granteePoint: ephemeral,
    context: sealContext(group, d),
  });
  // Served once: the marker is created exclusively, so two concurrent fetches cannot both pass.
  const marker = join(o.dataDir, 'datashare', 'served', `${group}-${d.id}`);
  mkdirSync(dirname(marker), { recursive: true });
  try {
    closeSync(openSync(marker, 'wx'));
  } catch {
    throw new GongzhiError('DATASHARE_SERVED', 'this delivery was served already', { delivery: d.id });
  }
  const cipher = cipherFor(suite);
  const iv = randomBytes(16);
  const headers: SealHeaders = {
    cipher,
    ephemeral: toHex(agreed.point),
    iv: toHex(iv),
    node: o.node.id,
    nodeKey: toHex(o.node.key.publicKey),
    confirm: toHex(agreed.confirm),
  };
  // The file is checked against the catalogue while it is sent (one pass, not two): if it is not
  // the published version the stream fails before its end, so the grantee gets nothing usable.
  // A file that passed once is not hashed again while its size, mtime and inode stay the same (a
  // version is typically delivered to many grantees); the grantee checks the digest in any case.
  const st = statSync(path);
  const stampPath = `${path}.checked`;
  const stamp = `${d.digest} ${st.size} ${st.mtimeMs} ${st.ino}`;
  const known = existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp;
  const plain = known ? undefined : createHash(suite.hashName);
  const sealed = sealStream(
    cipher,
    agreed.key,
    iv,
    aad(group, d),
    (chunk) => plain?.update(chunk),
    () => {
      if (plain === undefined) return undefined;
      if (plain.digest('hex') !== d.digest) {
        return new GongzhiError(
          'DATASHARE_DIGEST_MISMATCH',
          'the stored file is not the catalogue version',
          {},
        );
      }
      writeFileSync(stampPath, stamp);
      return undefined;
    },
  );
  return { headers, size: st.size, body: createReadStream(path, { highWaterMark: 1 << 20 }).pipe(sealed) };
}

/** POST a JSON body with node:http(s) (a streamed answer, less overhead than fetch for 100 MB). */
function post(url: string, body: unknown): Promise<IncomingMessage> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = send(
      u,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      },
      resolve,
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function errorOf(res: IncomingMessage): Promise<GongzhiError> {
  const parts: Buffer[] = [];
  for await (const c of res) parts.push(c as Buffer);
  let e: { code?: string; message?: string } = {};
  try {
    e = (JSON.parse(Buffer.concat(parts).toString('utf8')) as { error?: typeof e }).error ?? {};
  } catch {
    // not a JSON error body
  }
  return new GongzhiError(
    (e.code ?? 'DATASHARE_UNAVAILABLE') as 'DATASHARE_UNAVAILABLE',
    e.message ?? `owner node answered ${res.statusCode}`,
    { status: res.statusCode },
  );
}

/**
 * POST the fetch request; the owner's node may not have committed the block with the delivery yet
 * (it is another process of the network), so DATASHARE_NOT_FOUND is retried for a few seconds —
 * nothing is used up on the owner's side before the delivery is found.
 */
async function answered(url: string, req: FetchRequest): Promise<IncomingMessage> {
  for (let attempt = 0; ; attempt++) {
    const res = await post(url, req);
    if (res.statusCode === 200) return res;
    const e = await errorOf(res);
    if (e.code !== 'DATASHARE_NOT_FOUND' || attempt >= 40) throw e;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const header = (res: IncomingMessage, name: string): string => {
  const v = res.headers[name];
  return typeof v === 'string' ? v : '';
};

/**
 * The grantee's side: ask the owner's node at `url` for delivery `d` (as recorded on the ledger),
 * check the node is one of `ownerNodes` (the owner department's node keys on the ledger, hex) and
 * that it confirmed the key agreement, decrypt, and check the bytes against the ledger's digest.
 * Throws the owner's error code, DATASHARE_UNAUTHENTICATED when the answering node is not the
 * owner's, or DATASHARE_DIGEST_MISMATCH when what arrived is not the catalogue version.
 */
export async function fetchDelivery(o: {
  url: string;
  group: string;
  suite: CryptoSuite;
  key: KeyPair;
  delivery: DeliveryJson;
  ownerNodes: readonly string[];
}): Promise<Uint8Array> {
  const { suite, group, delivery: d } = o;
  const half = granteeStart(suite, o.key, sealContext(group, d));
  const req: FetchRequest = {
    delivery: d.id,
    publicKey: toHex(o.key.publicKey),
    ephemeral: toHex(half.point),
    sig: toHex(suite.sign(o.key.secretKey, fetchMessage(suite, group, d.id, half.point))),
  };
  const res = await answered(`${o.url}/v1/groups/${group}/datashare/fetch`, req);
  const cipher = header(res, 'x-gongzhi-cipher') as DeliveryCipher;
  const iv = Buffer.from(fromHex(header(res, 'x-gongzhi-iv')));
  const nodeKey = header(res, 'x-gongzhi-node-key');
  const fail = (code: 'DATASHARE_UNAUTHENTICATED' | 'DATASHARE_DIGEST_MISMATCH', message: string) => {
    res.destroy();
    return new GongzhiError(code, message, { delivery: d.id });
  };
  if (cipher !== cipherFor(suite) || iv.length !== 16) {
    throw fail('DATASHARE_DIGEST_MISMATCH', 'unexpected cipher or IV from the owner node');
  }
  if (!o.ownerNodes.includes(nodeKey)) {
    throw fail('DATASHARE_UNAUTHENTICATED', `the answering node is not a node of department ${d.owner}`);
  }
  let key: Buffer;
  try {
    key = half.finish({
      nodePublicKey: fromHex(nodeKey),
      point: fromHex(header(res, 'x-gongzhi-ephemeral')),
      confirm: fromHex(header(res, 'x-gongzhi-confirm')),
    });
  } catch (e) {
    res.destroy();
    throw e;
  }
  const opener = openStream(cipher, key, iv, aad(group, d));
  const h = createHash(suite.hashName);
  // The size is on the ledger: the plaintext goes straight into one buffer (no second copy).
  const out = Buffer.allocUnsafe(d.size);
  let n = 0;
  const take = (p: Buffer) => {
    if (n + p.length > out.length) throw new Error('longer than the catalogue size');
    h.update(p);
    p.copy(out, n);
    n += p.length;
  };
  try {
    for await (const chunk of res) take(opener.update(chunk as Buffer));
  } catch (e) {
    throw new GongzhiError('DATASHARE_UNAVAILABLE', `the delivery was cut off: ${String(e)}`, {
      delivery: d.id,
    });
  }
  try {
    take(opener.final());
  } catch {
    throw new GongzhiError(
      'DATASHARE_DIGEST_MISMATCH',
      'the delivery does not decrypt: it was altered in transit',
      {
        delivery: d.id,
      },
    );
  }
  if (n !== d.size || h.digest('hex') !== d.digest) {
    throw new GongzhiError('DATASHARE_DIGEST_MISMATCH', 'the bytes received are not the catalogue version', {
      delivery: d.id,
      expected: d.digest,
    });
  }
  return new Uint8Array(out.buffer, out.byteOffset, n);
}

/** The owner department's node keys (hex) from governance's `nodes` rows. */
export function ownerNodeKeys(
  nodes: readonly { readonly org: string; readonly publicKey: string }[],
  owner: string,
): string[] {
  return nodes.filter((n) => n.org === owner).map((n) => n.publicKey);
}
