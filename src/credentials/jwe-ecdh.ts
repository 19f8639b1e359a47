import {
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type JsonWebKey,
} from 'node:crypto';
import { fromBase64Url } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';

/**
 * The verifier's half of an encrypted OpenID4VP response (OpenID4VP 1.0 §8.3): a compact JWE
 * (RFC 7516) with `alg` ECDH-ES, direct key agreement on P-256 (RFC 7518 §4.6, Concat KDF with
 * SHA-256), `enc` A128GCM or A256GCM. Each request gets a key pair of its own; the wallet
 * encrypts to the public half it finds in `client_metadata.jwks`.
 */

export const RESPONSE_ENC_VALUES = ['A128GCM', 'A256GCM'] as const;
const KEY_BITS: Record<string, number> = { A128GCM: 128, A256GCM: 256 };

/** A fresh P-256 ECDH key: the public JWK (with `kid`, `use`, `alg`) for client_metadata, the private one to keep. */
export function newResponseKey(kid: string): { publicJwk: JsonWebKey; privateJwk: JsonWebKey } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pub = publicKey.export({ format: 'jwk' });
  return {
    publicJwk: { kty: 'EC', crv: 'P-256', x: pub.x, y: pub.y, kid, use: 'enc', alg: 'ECDH-ES' },
    privateJwk: privateKey.export({ format: 'jwk' }),
  };
}

const fail = (m: string): never => {
  throw new GongzhiError('IDENTITY_OID4VP_BAD_ENCRYPTION', m);
};

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const lengthPrefixed = (b: Uint8Array) => Buffer.concat([u32(b.length), b]);

/** RFC 7518 §4.6.2: Concat KDF (NIST SP 800-56A) with SHA-256, one round suffices for ≤ 256 bits. */
function concatKdf(z: Buffer, enc: string, apu: Uint8Array, apv: Uint8Array, bits: number): Buffer {
  const otherInfo = Buffer.concat([
    lengthPrefixed(Buffer.from(enc, 'ascii')),
    lengthPrefixed(apu),
    lengthPrefixed(apv),
    u32(bits),
  ]);
  return createHash('sha256')
    .update(Buffer.concat([u32(1), z, otherInfo]))
    .digest()
    .subarray(0, bits / 8);
}

/** The protected header of a compact JWE, or undefined when it is not one. */
export function jweHeader(jwe: string): Record<string, unknown> | undefined {
  const parts = jwe.split('.');
  if (parts.length !== 5) return undefined;
  try {
    const h = JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString('utf8')) as unknown;
    return typeof h === 'object' && h !== null && !Array.isArray(h)
      ? (h as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Decrypt a compact JWE made to `privateJwk`; its plaintext parsed as a JSON object. */
export function decryptResponse(jwe: string, privateJwk: JsonWebKey): Record<string, unknown> {
  const h = jweHeader(jwe);
  if (h === undefined) return fail('the response is not a compact JWE');
  const [protectedB64, encryptedKey, ivB64, ctB64, tagB64] = jwe.split('.') as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (h.alg !== 'ECDH-ES') return fail('JWE alg must be ECDH-ES (the alg of the request’s key)');
  const enc = typeof h.enc === 'string' ? h.enc : '';
  const bits = KEY_BITS[enc];
  if (bits === undefined) return fail(`JWE enc must be one of ${RESPONSE_ENC_VALUES.join(', ')}`);
  if (encryptedKey !== '') return fail('ECDH-ES is direct key agreement: the encrypted key must be empty');
  if (h.zip !== undefined) return fail('compressed JWE payloads are not accepted');
  const epk = h.epk as JsonWebKey | undefined;
  if (epk?.kty !== 'EC' || epk.crv !== 'P-256') return fail('epk must be a P-256 EC public key');
  let plain: Buffer;
  try {
    // createPublicKey checks that epk is on the curve (an invalid-curve point is refused here).
    const z = diffieHellman({
      privateKey: createPrivateKey({ key: privateJwk, format: 'jwk' }),
      publicKey: createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: epk.x, y: epk.y }, format: 'jwk' }),
    });
    const apu = typeof h.apu === 'string' ? fromBase64Url(h.apu) : new Uint8Array();
    const apv = typeof h.apv === 'string' ? fromBase64Url(h.apv) : new Uint8Array();
    const cek = concatKdf(z, enc, apu, apv, bits);
    const iv = Buffer.from(ivB64, 'base64url');
    const tag = Buffer.from(tagB64, 'base64url');
    if (iv.length !== 12 || tag.length !== 16) return fail('JWE iv must be 96 bits and the tag 128');
    const d = createDecipheriv(bits === 128 ? 'aes-128-gcm' : 'aes-256-gcm', cek, iv);
    d.setAAD(Buffer.from(protectedB64, 'ascii'));
    d.setAuthTag(tag);
    plain = Buffer.concat([d.update(Buffer.from(ctB64, 'base64url')), d.final()]);
  } catch (e) {
    if (e instanceof GongzhiError) throw e;
    return fail('the response does not decrypt with this request’s key');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(plain.toString('utf8'));
  } catch {
    return fail('the decrypted response is not JSON');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    return fail('the decrypted response must be a JSON object');
  return payload as Record<string, unknown>;
}
