/**
 * Off-ledger delivery of a granted dataset version (issue 11 X, item 3). The owner node's side is
 * ./datashare-serve.ts (used by routes/datashare.ts); this file is the grantee's
 * (`fetchDelivery`, used by the CLI and the demo): it checks that the node that answered is one of
 * the owner department's nodes on the ledger and that it confirmed the key agreement with that
 * node key, on SM2 chains sends its own confirmation S_A, decrypts, and checks the digest against
 * the ledger's record. The key agreement and ciphers (SM2 key exchange + SM4 on SM2 chains,
 * X25519 + AES-256-GCM otherwise) are in ./datashare-seal.ts. Each key is used once.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CryptoSuite, KeyPair } from '../crypto/index.js';
import { fromHex, toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import type { DeliveryJson } from '../modules/datashare/index.js';
import {
  cipherFor,
  type DeliveryCipher,
  granteeStart,
  type OpenStream,
  openStream,
} from './datashare-seal.js';
import {
  type AgreeAnswer,
  aad,
  type ConfirmRequest,
  type FetchRequest,
  fetchMessage,
  sealContext,
} from './datashare-wire.js';

export { cipherFor, type DeliveryCipher } from './datashare-seal.js';
export {
  agreeDelivery,
  DeliverySessions,
  type LedgerLookup,
  SESSION_TTL_MS,
  type ServeOptions,
  serveDelivery,
} from './datashare-serve.js';
export {
  type AgreeAnswer,
  type ConfirmRequest,
  FETCH_TYPE,
  type FetchRequest,
  fetchMessage,
  fileDigest,
  placeVersion,
  type SealHeaders,
  sealHeaderFields,
  storePath,
} from './datashare-wire.js';

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

/** SM2 chains' first step: the owner node's R_B and S_B as JSON (retried like `answered`). */
async function agreed(url: string, req: FetchRequest): Promise<AgreeAnswer> {
  const res = await answered(url, req);
  const parts: Buffer[] = [];
  for await (const c of res) parts.push(c as Buffer);
  const a = JSON.parse(Buffer.concat(parts).toString('utf8')) as Partial<AgreeAnswer>;
  const hex = (v: unknown) => typeof v === 'string' && /^[0-9a-f]+$/.test(v);
  if (!hex(a.session) || !hex(a.ephemeral) || !hex(a.nodeKey) || !hex(a.confirm)) {
    throw new GongzhiError(
      'DATASHARE_UNAUTHENTICATED',
      'the owner node’s key agreement answer is malformed',
      {
        delivery: req.delivery,
      },
    );
  }
  return a as AgreeAnswer;
}

const header = (res: IncomingMessage, name: string): string => {
  const v = res.headers[name];
  return typeof v === 'string' ? v : '';
};

/**
 * The grantee's side: ask the owner's node at `url` for delivery `d` (as recorded on the ledger),
 * check the node is one of `ownerNodes` (the owner department's node keys on the ledger, hex) and
 * that it confirmed the key agreement — on SM2 chains in two steps, R_A → (R_B, S_B), then S_A →
 * the ciphertext — decrypt, and check the bytes against the ledger's digest.
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
  const base = `${o.url}/v1/groups/${group}/datashare`;
  const half = granteeStart(suite, o.key, sealContext(group, d));
  const req: FetchRequest = {
    delivery: d.id,
    publicKey: toHex(o.key.publicKey),
    ephemeral: toHex(half.point),
    sig: toHex(suite.sign(o.key.secretKey, fetchMessage(suite, group, d.id, half.point))),
  };
  const owned = (nodeKey: string) => {
    if (!o.ownerNodes.includes(nodeKey)) {
      throw new GongzhiError(
        'DATASHARE_UNAUTHENTICATED',
        `the answering node is not a node of department ${d.owner}`,
        { delivery: d.id },
      );
    }
  };
  let res: IncomingMessage;
  let key: Buffer;
  let nodeKey: string;
  if (cipherFor(suite) === 'sm2kx-sm4-ctr') {
    const a = await agreed(`${base}/agree`, req);
    owned(a.nodeKey);
    nodeKey = a.nodeKey;
    const done = half.finish({
      nodePublicKey: fromHex(a.nodeKey),
      point: fromHex(a.ephemeral),
      confirm: fromHex(a.confirm),
    });
    key = done.key;
    const confirm: ConfirmRequest = {
      delivery: d.id,
      session: a.session,
      confirm: toHex(done.confirm ?? new Uint8Array(0)),
    };
    res = await post(`${base}/fetch`, confirm);
    if (res.statusCode !== 200) throw await errorOf(res);
  } else {
    res = await answered(`${base}/fetch`, req);
    nodeKey = header(res, 'x-gongzhi-node-key');
    try {
      owned(nodeKey);
      key = half.finish({
        nodePublicKey: fromHex(nodeKey),
        point: fromHex(header(res, 'x-gongzhi-ephemeral')),
        confirm: fromHex(header(res, 'x-gongzhi-confirm')),
      }).key;
    } catch (e) {
      res.destroy();
      throw e;
    }
  }
  const cipher = header(res, 'x-gongzhi-cipher') as DeliveryCipher;
  const iv = Buffer.from(fromHex(header(res, 'x-gongzhi-iv')));
  if (cipher !== cipherFor(suite) || iv.length !== 16 || header(res, 'x-gongzhi-node-key') !== nodeKey) {
    res.destroy();
    throw new GongzhiError('DATASHARE_DIGEST_MISMATCH', 'unexpected cipher, IV or node from the owner node', {
      delivery: d.id,
    });
  }
  return receive(res, d, openStream(cipher, key, iv, aad(group, d)), suite);
}

/** Decrypt the body into one buffer of the ledger's size and check its digest. */
async function receive(
  res: IncomingMessage,
  d: DeliveryJson,
  opener: OpenStream,
  suite: CryptoSuite,
): Promise<Uint8Array> {
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
  // SM4-CTR decrypts each network chunk straight into `out`, and the digest is taken there.
  const into = opener.into;
  const step =
    into === undefined
      ? (chunk: Buffer) => {
          for (const p of opener.update(chunk)) take(p);
        }
      : (chunk: Buffer) => {
          if (n + chunk.length > out.length) throw new Error('longer than the catalogue size');
          const dest = out.subarray(n, n + chunk.length);
          into(chunk, dest);
          h.update(dest);
          n += chunk.length;
        };
  try {
    for await (const chunk of res) step(chunk as Buffer);
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
