/**
 * The owner node's side of a datashare delivery (issue 11 X, item 3): it serves the bytes of a
 * version only for a delivery the ledger logged, only to the account that opened it, and only
 * while the grant is live; it checks the file against the catalogue digest as it sends.
 *
 * On SM2 chains the key exchange has both confirmations (GB/T 32918.3): `agreeDelivery` answers
 * the signed request with R_B and S_B and keeps the agreed key in a short-lived session;
 * `serveDelivery` streams only after the grantee's S_A for that session checks. On other chains
 * one signed request (X25519 + AES-GCM, the node's signature over the transcript) is served
 * directly. Nothing here writes the ledger; each delivery is served once.
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
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { CryptoSuite, KeyPair } from '../crypto/index.js';
import { fromHex, toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import type { DeliveryJson, RequestJson } from '../modules/datashare/index.js';
import { cipherFor, confirmMatches, ownerAgree, sealStream } from './datashare-seal.js';
import {
  type AgreeAnswer,
  aad,
  type ConfirmRequest,
  type FetchRequest,
  fetchMessage,
  type SealHeaders,
  sealContext,
  storePath,
} from './datashare-wire.js';

/** What the owner's node looks up on its committed ledger state. */
export interface LedgerLookup {
  delivery(id: number): DeliveryJson;
  request(id: number): RequestJson;
}

/** What both steps are given. `now` is the node's clock (ms), off the ledger. */
export interface ServeOptions {
  suite: CryptoSuite;
  group: string;
  dataDir: string;
  ledger: LedgerLookup;
  now: number;
  /** The serving node's id and key pair (the owner department's node in the genesis). */
  node: { id: string; key: KeyPair };
}

interface Session {
  readonly delivery: number;
  readonly key: Buffer;
  readonly iv: Buffer;
  readonly expect: Uint8Array;
  readonly headers: SealHeaders;
  readonly until: number;
}

/** How long an agreed key waits for the grantee's S_A, and how many may wait at once. */
export const SESSION_TTL_MS = 60_000;
export const MAX_SESSIONS = 1024;

/**
 * Agreed keys waiting for S_A (memory only: a restart just means agreeing again). A session is
 * taken once, whether S_A matches or not, so S_A cannot be guessed at.
 */
export class DeliverySessions {
  readonly #open = new Map<string, Session>();

  put(s: Session, now: number): string {
    for (const [id, x] of this.#open) if (x.until <= now) this.#open.delete(id);
    if (this.#open.size >= MAX_SESSIONS) {
      const oldest = this.#open.keys().next();
      if (!oldest.done) this.#open.delete(oldest.value);
    }
    const id = randomBytes(16).toString('hex');
    this.#open.set(id, s);
    return id;
  }

  take(id: string, now: number): Session | undefined {
    const s = this.#open.get(id);
    this.#open.delete(id);
    return s === undefined || s.until <= now ? undefined : s;
  }

  get size(): number {
    return this.#open.size;
  }
}

const unauthenticated = (message: string, delivery: number) =>
  new GongzhiError('DATASHARE_UNAUTHENTICATED', message, { delivery });

/** The delivery, its live grant, and the stored file's path (checked at both steps). */
function liveDelivery(o: ServeOptions, id: number): { d: DeliveryJson; path: string } {
  const d = o.ledger.delivery(id);
  const q = o.ledger.request(d.request);
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
  const path = storePath(o.dataDir, o.group, d.dataset, d.version);
  if (d.version === 0 || !existsSync(path)) {
    throw new GongzhiError('DATASHARE_UNAVAILABLE', 'this node does not hold the version', {
      dataset: d.dataset,
      version: d.version,
    });
  }
  return { d, path };
}

/** The signed request's checks, then the key agreement (nothing used up yet). */
function agree(o: ServeOptions, body: FetchRequest) {
  const { suite, group } = o;
  const { d, path } = liveDelivery(o, body.delivery);
  const publicKey = fromHex(body.publicKey);
  const ephemeral = fromHex(body.ephemeral);
  const signed = suite.verify(publicKey, fetchMessage(suite, group, d.id, ephemeral), fromHex(body.sig));
  if (!signed || suite.address(publicKey) !== d.account) {
    throw unauthenticated('not signed by the account that opened the delivery', d.id);
  }
  const agreed = ownerAgree({
    suite,
    nodeKey: o.node.key,
    granteePublicKey: publicKey,
    granteePoint: ephemeral,
    context: sealContext(group, d),
  });
  const iv = randomBytes(16);
  const headers: SealHeaders = {
    cipher: cipherFor(suite),
    ephemeral: toHex(agreed.point),
    iv: toHex(iv),
    node: o.node.id,
    nodeKey: toHex(o.node.key.publicKey),
    confirm: toHex(agreed.confirm),
  };
  return { d, path, agreed, iv, headers };
}

/**
 * SM2 chains, first step: check the signed request and the grant, answer R_B and S_B, and keep
 * the key for `SESSION_TTL_MS` until the grantee's S_A arrives. API_BAD_REQUEST on other chains.
 */
export function agreeDelivery(
  o: ServeOptions & { body: FetchRequest; sessions: DeliverySessions },
): AgreeAnswer {
  if (cipherFor(o.suite) !== 'sm2kx-sm4-ctr') {
    throw new GongzhiError(
      'API_BAD_REQUEST',
      'only SM2 chains agree first: fetch with the signed request',
      {},
    );
  }
  const { d, agreed, iv, headers } = agree(o, o.body);
  const session = o.sessions.put(
    {
      delivery: d.id,
      key: agreed.key,
      iv,
      expect: agreed.expect ?? new Uint8Array(0),
      headers,
      until: o.now + SESSION_TTL_MS,
    },
    o.now,
  );
  const { cipher, ephemeral, node, nodeKey, confirm } = headers;
  return { session, cipher, ephemeral, node, nodeKey, confirm };
}

/**
 * Stream the encrypted version: for the signed request on X25519 chains, or for a session and the
 * grantee's S_A on SM2 chains (a signed request alone is refused there: it could be a replay).
 * The grant is checked again at this step; each delivery is served once.
 */
export async function serveDelivery(
  o: ServeOptions & { body: FetchRequest | ConfirmRequest; sessions?: DeliverySessions },
): Promise<{ headers: SealHeaders; size: number; body: Readable }> {
  const { suite, group, body } = o;
  let d: DeliveryJson;
  let path: string;
  let key: Buffer;
  let iv: Buffer;
  let headers: SealHeaders;
  if ('session' in body) {
    const s = o.sessions?.take(body.session, o.now);
    if (s === undefined || s.delivery !== body.delivery) {
      throw unauthenticated('no such key agreement (it lasts 60 s and one try): agree again', body.delivery);
    }
    if (!confirmMatches(s.expect, fromHex(body.confirm))) {
      throw unauthenticated(
        'the key confirmation S_A does not match: not the grantee’s key exchange',
        body.delivery,
      );
    }
    ({ d, path } = liveDelivery(o, body.delivery));
    ({ key, iv, headers } = s);
  } else {
    if (cipherFor(suite) === 'sm2kx-sm4-ctr') {
      throw unauthenticated(
        'SM2 chains confirm the key exchange: POST …/datashare/agree, then fetch with S_A',
        body.delivery,
      );
    }
    const a = agree(o, body);
    ({ d, path, iv, headers } = a);
    key = a.agreed.key;
  }
  // Served once: the marker is created exclusively, so two concurrent fetches cannot both pass.
  const marker = join(o.dataDir, 'datashare', 'served', `${group}-${d.id}`);
  mkdirSync(dirname(marker), { recursive: true });
  try {
    closeSync(openSync(marker, 'wx'));
  } catch {
    throw new GongzhiError('DATASHARE_SERVED', 'this delivery was served already', { delivery: d.id });
  }
  // The file is checked against the catalogue while it is sent (one pass, not two): if it is not
  // the published version the stream fails before its end, so the grantee gets nothing usable.
  // A file that passed once is not hashed again while its size, mtime and inode stay the same (a
  // version is typically delivered to many grantees); the grantee checks the digest in any case.
  const st = statSync(path);
  const stampPath = `${path}.checked`;
  const stamp = `${d.digest} ${st.size} ${st.mtimeMs} ${st.ino}`;
  const known = existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp;
  const plain = known ? undefined : createHash(suite.hashName);
  const digest = d.digest;
  const sealed = sealStream(
    headers.cipher,
    key,
    iv,
    aad(group, d),
    (chunk) => plain?.update(chunk),
    () => {
      if (plain === undefined) return undefined;
      if (plain.digest('hex') !== digest) {
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
