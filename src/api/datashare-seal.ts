/**
 * The key agreement and the stream ciphers of a datashare delivery (issue 11 X, item 3), on the
 * chain's suite, authenticated both ways:
 *
 * - SM2 chains: the SM2 key exchange of GB/T 32918.3 (src/crypto/sm2-exchange.ts) with both
 *   optional confirmations. The grantee is the initiator A with its account key, the owner's node
 *   the responder B with its node key; each adds a fresh ephemeral key. B answers R_A with R_B and
 *   S_B, which only the holder of the node's secret key can compute, so the grantee knows which
 *   node serves it; A checks S_B and sends S_A, which only the holder of the account's secret key
 *   (and of r_A) can compute, and B serves nothing — and uses nothing up — until S_A checks, so a
 *   replayed signed request cannot spend a delivery. Cipher SM4-CTR (src/crypto/sm4-ctr.ts).
 * - Other suites: fresh X25519 keys on both sides, HKDF-SHA-256, AES-256-GCM; the owner's node
 *   signs the transcript (both ephemeral keys and the delivery) with its node key.
 *
 * In both cases the grantee also signs its request with the account key (checked before anything
 * is served), and checks that the node key belongs to the owner department on the ledger.
 * SM4-CTR carries no MAC: nothing is released until the SM3 digest of the whole plaintext equals
 * the catalogue digest on the ledger, which authenticates the content (SM3 is collision resistant)
 * — a MAC would be a second SM3 pass over 100 MB for nothing (this OpenSSL has no SM4-GCM).
 */
import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  timingSafeEqual,
} from 'node:crypto';
import { Transform } from 'node:stream';
import { type CryptoSuite, createSm4Ctr, type KeyPair } from '../crypto/index.js';
import { sm2Exchange } from '../crypto/sm2-exchange.js';
import { encodeCanonical } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';

export type DeliveryCipher = 'x25519-hkdf-aes-256-gcm' | 'sm2kx-sm4-ctr';

export function cipherFor(suite: CryptoSuite): DeliveryCipher {
  return suite.hashName === 'sm3' ? 'sm2kx-sm4-ctr' : 'x25519-hkdf-aes-256-gcm';
}

/** Bytes of the tag appended to the ciphertext. */
export const tagLength = (c: DeliveryCipher): number => (c === 'x25519-hkdf-aes-256-gcm' ? 16 : 0);

const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

function x25519Public(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new GongzhiError('API_BAD_REQUEST', 'ephemeral must be 32 bytes of hex', {});
  return createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function rawPublic(k: KeyObject): Uint8Array {
  return new Uint8Array(k.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI_PREFIX.length));
}

/** What both sides bind the agreement to: the group, the delivery and its ledger transaction. */
export interface SealContext {
  readonly group: string;
  readonly delivery: number;
  readonly tx: Uint8Array;
}

const transcript = (suite: CryptoSuite, c: SealContext, grantee: Uint8Array, owner: Uint8Array) =>
  suite.hash(
    encodeCanonical({
      type: 'gongzhi.datashare.serve',
      group: c.group,
      delivery: c.delivery,
      tx: c.tx,
      grantee,
      owner,
    }),
  );

const hkdfKey = (shared: Buffer, c: SealContext) =>
  Buffer.from(hkdfSync('sha256', shared, c.tx, `gongzhi.datashare.v2|${c.group}|${c.delivery}`, 32));

const badAgreement = (message: string, e?: unknown): GongzhiError =>
  new GongzhiError('DATASHARE_UNAUTHENTICATED', message, {}, e === undefined ? undefined : { cause: e });

/** The owner node's answer: its ephemeral key, its confirmation, and the key (kept). */
export interface OwnerHalf {
  readonly point: Uint8Array;
  readonly confirm: Uint8Array;
  readonly key: Buffer;
  /** SM2 key exchange: the S_A the grantee must send back before anything is served. */
  readonly expect?: Uint8Array;
}

/** The owner node's side of the agreement, given the grantee's account key and ephemeral key. */
export function ownerAgree(o: {
  suite: CryptoSuite;
  nodeKey: KeyPair;
  granteePublicKey: Uint8Array;
  granteePoint: Uint8Array;
  context: SealContext;
}): OwnerHalf {
  if (cipherFor(o.suite) === 'sm2kx-sm4-ctr') {
    const eph = sm2Exchange.ephemeral();
    let r: ReturnType<typeof sm2Exchange.responder>;
    try {
      r = sm2Exchange.responder(
        { secretKey: o.nodeKey.secretKey, ephemeralSecret: eph.secret },
        { publicKey: o.granteePublicKey, ephemeral: o.granteePoint },
        16,
      );
    } catch (e) {
      throw new GongzhiError(
        'API_BAD_REQUEST',
        'ephemeral is not a point of the SM2 curve',
        {},
        { cause: e },
      );
    }
    return { point: eph.point, confirm: r.confirmB, key: Buffer.from(r.key), expect: r.confirmA };
  }
  const mine = generateKeyPairSync('x25519');
  const point = rawPublic(mine.publicKey);
  const shared = diffieHellman({ privateKey: mine.privateKey, publicKey: x25519Public(o.granteePoint) });
  const confirm = o.suite.sign(o.nodeKey.secretKey, transcript(o.suite, o.context, o.granteePoint, point));
  return { point, confirm, key: hkdfKey(shared, o.context) };
}

/** The grantee's side: a fresh ephemeral key for the request, then the key from the owner's answer. */
export interface GranteeHalf {
  readonly point: Uint8Array;
  /**
   * Check the owner node's confirmation for `nodePublicKey` and derive the key
   * (DATASHARE_UNAUTHENTICATED); on SM2 chains also S_A, the grantee's confirmation to send back.
   */
  finish(answer: { nodePublicKey: Uint8Array; point: Uint8Array; confirm: Uint8Array }): {
    readonly key: Buffer;
    readonly confirm?: Uint8Array;
  };
}

export function granteeStart(suite: CryptoSuite, account: KeyPair, context: SealContext): GranteeHalf {
  if (cipherFor(suite) === 'sm2kx-sm4-ctr') {
    const eph = sm2Exchange.ephemeral();
    return {
      point: eph.point,
      finish(a) {
        let r: ReturnType<typeof sm2Exchange.initiator>;
        try {
          r = sm2Exchange.initiator(
            { secretKey: account.secretKey, ephemeralSecret: eph.secret },
            { publicKey: a.nodePublicKey, ephemeral: a.point },
            16,
          );
        } catch (e) {
          throw badAgreement('the owner node sent a key that is not on the SM2 curve', e);
        }
        if (a.confirm.length !== 32 || !timingSafeEqual(Buffer.from(r.confirmB), Buffer.from(a.confirm))) {
          throw badAgreement('the owner node’s key confirmation S_B does not match its node key');
        }
        return { key: Buffer.from(r.key), confirm: r.confirmA };
      },
    };
  }
  const mine = generateKeyPairSync('x25519');
  const point = rawPublic(mine.publicKey);
  return {
    point,
    finish(a) {
      if (!suite.verify(a.nodePublicKey, transcript(suite, context, point, a.point), a.confirm)) {
        throw badAgreement('the owner node’s signature over the key agreement does not verify');
      }
      let shared: Buffer;
      try {
        shared = diffieHellman({ privateKey: mine.privateKey, publicKey: x25519Public(a.point) });
      } catch (e) {
        throw badAgreement('the owner node sent an invalid X25519 key', e);
      }
      return { key: hkdfKey(shared, context) };
    },
  };
}

/** Encrypt a stream (GCM: the tag is appended). `check` runs before the tag / end is sent. */
export function sealStream(
  cipher: DeliveryCipher,
  key: Buffer,
  iv: Buffer,
  aad: Uint8Array,
  observe: (chunk: Buffer) => void,
  check: () => Error | undefined,
): Transform {
  const g =
    cipher === 'x25519-hkdf-aes-256-gcm' ? createCipheriv('aes-256-gcm', key, iv.subarray(0, 12)) : undefined;
  g?.setAAD(aad);
  let encrypt: (chunk: Buffer) => Buffer;
  if (g === undefined) {
    // The read stream's chunk is ours and already hashed (observe): SM4-CTR encrypts it in place.
    const sm4 = createSm4Ctr(key, iv);
    encrypt = (chunk) => sm4.update(chunk, true);
  } else encrypt = (chunk) => g.update(chunk);
  return new Transform({
    transform(chunk: Buffer, _e, cb) {
      observe(chunk);
      cb(null, encrypt(chunk));
    },
    flush(cb) {
      const last = g?.final();
      const err = check();
      if (err !== undefined) return cb(err);
      cb(null, g === undefined || last === undefined ? undefined : Buffer.concat([last, g.getAuthTag()]));
    },
  });
}

/** What `openStream` answers. */
export interface OpenStream {
  update(chunk: Buffer): Buffer[];
  final(): Buffer;
  /**
   * SM4-CTR only (no tag to hold back): decrypt `chunk` straight into `out` (its length), which
   * saves the receiver a copy of every byte.
   */
  readonly into?: (chunk: Buffer, out: Buffer) => void;
}

/**
 * A decipher that takes ciphertext ‖ tag as it arrives and holds back the tag's bytes. `update`
 * answers the plaintext in pieces (no concatenation of each network chunk with the held bytes).
 */
export function openStream(cipher: DeliveryCipher, key: Buffer, iv: Buffer, aad: Uint8Array): OpenStream {
  const g =
    cipher === 'x25519-hkdf-aes-256-gcm'
      ? createDecipheriv('aes-256-gcm', key, iv.subarray(0, 12))
      : undefined;
  if (g === undefined) {
    // SM4-CTR has no tag to hold back; the socket's chunk is ours, decrypted in place.
    const sm4 = createSm4Ctr(key, iv);
    return {
      update: (chunk) => [sm4.update(chunk, true)],
      final: () => Buffer.alloc(0),
      into: (chunk, out) => sm4.updateInto(chunk, out),
    };
  }
  g.setAAD(aad);
  const tagLen = tagLength(cipher);
  let tail = Buffer.alloc(0);
  return {
    update(chunk) {
      // The last tagLen bytes seen may be the tag: decrypt the held bytes and all but the
      // chunk's last tagLen bytes, and hold those.
      if (chunk.length >= tagLen) {
        const out = tail.length === 0 ? [] : [g.update(tail)];
        out.push(g.update(chunk.subarray(0, chunk.length - tagLen)));
        tail = Buffer.from(chunk.subarray(chunk.length - tagLen));
        return out;
      }
      const all = Buffer.concat([tail, chunk]);
      const cut = Math.max(0, all.length - tagLen);
      tail = Buffer.from(all.subarray(cut));
      return cut === 0 ? [] : [g.update(all.subarray(0, cut))];
    },
    final() {
      if (tail.length !== tagLen) throw new Error('truncated');
      g.setAuthTag(tail);
      return g.final();
    },
  };
}

/** The owner's check of the grantee's S_A (constant time; false for a wrong length). */
export function confirmMatches(expected: Uint8Array, got: Uint8Array): boolean {
  return expected.length === got.length && timingSafeEqual(Buffer.from(expected), Buffer.from(got));
}
