import {
  ed25519VerifyAsync,
  exportJwk,
  getSuite,
  importJwk,
  type Jwk,
  type SuiteId,
} from '../crypto/index.js';
import { fromBase64Url, toBase64Url, utf8 } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';

/** JOSE algorithm of a key type. SM2 has no registered JOSE algorithm, so it cannot sign credentials. */
export type JoseAlg = 'EdDSA' | 'ES256K';

export function joseAlg(type: SuiteId): JoseAlg {
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'secp256k1') return 'ES256K';
  throw new GongzhiError(
    'IDENTITY_UNSUPPORTED_ALG',
    'credentials are signed with ed25519 (EdDSA) or secp256k1 (ES256K)',
    {
      type,
    },
  );
}

/** The key type of a JOSE algorithm + JWK, or undefined. */
export function keyTypeOfJwk(jwk: unknown): SuiteId | undefined {
  const j = jwk as Partial<Jwk> | null;
  if (j?.kty === 'OKP' && j.crv === 'Ed25519') return 'ed25519';
  if (j?.kty === 'EC' && j.crv === 'secp256k1') return 'secp256k1';
  return undefined;
}

/** A signing key with its key type and (for issuers) its DID URL `kid`. */
export interface SigningKey {
  readonly type: SuiteId;
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  /** `did:gongzhi:…#fragment`. */
  readonly kid?: string;
}

/** JWS signature (base64url) over the signing input: EdDSA, or ES256K (64-byte r||s, low S). */
export function jwsSign(key: SigningKey, signingInput: string): string {
  joseAlg(key.type);
  return toBase64Url(getSuite(key.type).sign(key.secretKey, utf8(signingInput)));
}

/**
 * Imported public keys by JWK coordinates. Importing checks that the point is on the curve,
 * which costs more than the signature check itself, and a JWK's coordinates name one key for
 * good, so a verifier seeing the same issuers and holders again imports each once.
 */
const imported = new Map<string, Uint8Array>();
const MAX_IMPORTED = 4096;

function publicKeyOfJwk(type: SuiteId, jwk: unknown): Uint8Array {
  const j = jwk as Partial<Record<'x' | 'y', unknown>>;
  const id = `${type}|${String(j.x)}|${String(j.y)}`;
  let k = imported.get(id);
  if (k === undefined) {
    k = importJwk(type, jwk).publicKey;
    if (imported.size >= MAX_IMPORTED) imported.clear();
    imported.set(id, k);
  }
  return k;
}

/** Verify a JWS signature with a public JWK (EdDSA / ES256K). Never throws. */
export function jwsVerify(jwk: unknown, signingInput: string, signature: string): boolean {
  const type = keyTypeOfJwk(jwk);
  if (type === undefined) return false;
  try {
    return getSuite(type).verify(publicKeyOfJwk(type, jwk), utf8(signingInput), fromBase64Url(signature));
  } catch {
    return false;
  }
}

/**
 * `jwsVerify`, with an Ed25519 check run off the JS thread (`ed25519VerifyAsync`): for the
 * signature a verifier checks on every request (a presentation's key-binding JWT). Other key
 * types are checked in line. Never rejects.
 */
export async function jwsVerifyAsync(
  jwk: unknown,
  signingInput: string,
  signature: string,
): Promise<boolean> {
  const type = keyTypeOfJwk(jwk);
  if (type !== 'ed25519') return jwsVerify(jwk, signingInput, signature);
  try {
    return await ed25519VerifyAsync(publicKeyOfJwk(type, jwk), utf8(signingInput), fromBase64Url(signature));
  } catch {
    return false;
  }
}

export function publicJwk(key: { type: SuiteId; publicKey: Uint8Array }): Jwk {
  return exportJwk(key.type, { publicKey: key.publicKey });
}

/** Compact JWS from header and payload. */
export function signCompact(
  key: SigningKey,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): string {
  const input = `${toBase64Url(utf8(JSON.stringify(header)))}.${toBase64Url(utf8(JSON.stringify(payload)))}`;
  return `${input}.${jwsSign(key, input)}`;
}

/** The protected header of a compact JWS, without decoding the rest (IDENTITY_CREDENTIAL_INVALID). */
export function decodeCompactHeader(jws: string): Record<string, unknown> {
  const end = jws.indexOf('.');
  try {
    const h: unknown = JSON.parse(new TextDecoder().decode(fromBase64Url(end < 0 ? '' : jws.slice(0, end))));
    if (typeof h === 'object' && h !== null && !Array.isArray(h)) return h as Record<string, unknown>;
  } catch (e) {
    throw new GongzhiError('IDENTITY_CREDENTIAL_INVALID', 'malformed JWS header', {}, { cause: e });
  }
  throw new GongzhiError('IDENTITY_CREDENTIAL_INVALID', 'a JWS header must be a JSON object');
}

/** Decode a compact JWS without verifying it. */
export function decodeCompact(jws: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  input: string;
  signature: string;
} {
  const parts = jws.split('.');
  if (parts.length !== 3) throw new GongzhiError('IDENTITY_CREDENTIAL_INVALID', 'not a compact JWS');
  const [h, p, s] = parts as [string, string, string];
  try {
    const dec = (x: string) =>
      JSON.parse(new TextDecoder().decode(fromBase64Url(x))) as Record<string, unknown>;
    return { header: dec(h), payload: dec(p), input: `${h}.${p}`, signature: s };
  } catch (e) {
    throw new GongzhiError('IDENTITY_CREDENTIAL_INVALID', 'malformed JWS', {}, { cause: e });
  }
}
