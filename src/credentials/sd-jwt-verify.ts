import { createHash } from 'node:crypto';
import { SDJwtInstance } from '@sd-jwt/core';
import { toBase64Url, utf8 } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { decodeCompact, joseAlg, jwsVerify, jwsVerifyAsync, keyTypeOfJwk } from './keys.js';
import { decodeVerifiedSdJwt, type VerifiedSdJwt } from './sd-jwt-result.js';

/**
 * SD-JWT verification split where presentations differ. Every presentation of a credential with
 * the same disclosures carries the same bytes up to the last `~` (issuer-signed JWT and
 * disclosures); only the key-binding JWT after it is new each time (its nonce, aud, iat). So:
 * - the issuer part is verified by the SD-JWT library (signature, disclosure digests, the JWT's
 *   own iat / nbf / exp against `now`) once per (bytes, issuer key, now), and its disclosed
 *   claims are kept — a pure function of those three, so a hit is exact;
 * - the KB-JWT is checked here on every call, RFC 9901 §7.3 step by step: typ `kb+jwt`, an alg
 *   that is not `none`, iat / aud / nonce / sd_hash present, the signature by the key in the
 *   credential's `cnf.jwk`, the nonce, and `sd_hash` = SHA-256 of the presentation as presented
 *   up to the last `~` (the library hashes a re-encoding of what it parsed instead).
 * A verifier seeing the same credential again (a border post, a turnstile) pays one Ed25519
 * check and one hash, not the library's base64 / JSON / digest work.
 */

const sha256b64 = (s: string) => toBase64Url(new Uint8Array(createHash('sha256').update(utf8(s)).digest()));

const hasher = (data: string | ArrayBuffer, alg: string): Uint8Array => {
  if (alg !== 'sha-256') throw new GongzhiError('IDENTITY_UNSUPPORTED_ALG', `hash ${alg} not supported`);
  return new Uint8Array(
    createHash('sha256')
      .update(typeof data === 'string' ? utf8(data) : new Uint8Array(data))
      .digest(),
  );
};

const MAX_KEPT = 4096;

/** A JWK's identity for cache keys (its curve and coordinates). */
function keyId(jwk: unknown): string {
  const j = jwk as { crv?: unknown; x?: unknown; y?: unknown } | null;
  return `${String(j?.crv)}|${String(j?.x)}|${String(j?.y)}`;
}

/**
 * Issuer signatures found valid, by signature: a credential shown with another choice of
 * disclosures shares its issuer JWT, so that signature is checked once. Key and signed bytes are
 * compared in full on a hit.
 */
const verifiedIssuerSigs = new Map<string, { readonly key: string; readonly data: string }>();

function issuerSignatureValid(jwk: unknown, data: string, sig: string): boolean {
  const key = keyId(jwk);
  const hit = verifiedIssuerSigs.get(sig);
  if (hit !== undefined && hit.key === key && hit.data === data) return true;
  if (!jwsVerify(jwk, data, sig)) return false;
  if (verifiedIssuerSigs.size >= MAX_KEPT) verifiedIssuerSigs.clear();
  verifiedIssuerSigs.set(sig, { key, data });
  return true;
}

type Issued = Pick<VerifiedSdJwt, 'payload' | 'header'>;

/** Issuer parts found valid: `key|now|bytes` → the disclosed claims (frozen: they are shared). */
const verifiedIssued = new Map<string, Issued>();

/** Freeze a decoded JSON value throughout (cached answers are shared). */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

async function issuedPart(sdPart: string, issuerJwk: unknown, now: number | undefined): Promise<Issued> {
  // Without `now` the library reads the clock: the answer is not a function of the bytes.
  const id = now === undefined ? undefined : `${keyId(issuerJwk)}|${now}|${sdPart}`;
  const hit = id === undefined ? undefined : verifiedIssued.get(id);
  if (hit !== undefined) return hit;
  // The core SD-JWT verifier: the SD-JWT VC class would fetch `status.status_list.uri` itself;
  // status is a check of its own (ledger bits, or the signed list verified with the issuer's key).
  const sd = new SDJwtInstance({
    hasher,
    hashAlg: 'sha-256',
    verifier: (data: string, sig: string) => issuerSignatureValid(issuerJwk, data, sig),
  });
  const { payload, header } = decodeVerifiedSdJwt(
    await sd.verify(sdPart, now === undefined ? {} : { currentDate: now }),
  );
  const issued = deepFreeze(header === undefined ? { payload } : { payload, header });
  if (id !== undefined) {
    if (verifiedIssued.size >= MAX_KEPT) verifiedIssued.clear();
    verifiedIssued.set(id, issued);
  }
  return issued;
}

// Symbols, not strings: no caller's nonce can mean "any" or "none".
const ANY_NONCE: unique symbol = Symbol('any nonce');
const NO_KEY_BINDING: unique symbol = Symbol('no key binding');

const invalid = (m: string): never => {
  throw new GongzhiError('IDENTITY_BAD_SIGNATURE', m);
};

/** RFC 9901 §7.3 step 5's checks of the KB-JWT against the presentation it ends. */
async function keyBinding(
  kbJwt: string,
  sdPart: string,
  payload: Issued['payload'],
  nonce: string | undefined,
) {
  if (kbJwt === '') return invalid('the presentation has no key-binding JWT');
  const kb = decodeCompact(kbJwt);
  const { header: h, payload: p } = kb;
  if (typeof h.alg !== 'string' || h.alg === '' || h.alg === 'none' || h.typ !== 'kb+jwt') {
    return invalid('the key-binding JWT must have typ kb+jwt and a signing alg');
  }
  for (const k of ['iat', 'aud', 'nonce', 'sd_hash'] as const) {
    if (p[k] === undefined || p[k] === null || p[k] === '') invalid(`the key-binding JWT has no ${k}`);
  }
  const cnf = payload.cnf as { jwk?: unknown } | undefined;
  const holderType = keyTypeOfJwk(cnf?.jwk);
  // The header's alg must be the holder key's (the library leaves this to the verifier callback).
  if (holderType !== undefined && joseAlg(holderType) !== h.alg) {
    return invalid(`the key-binding JWT's alg ${h.alg} is not the cnf key's`);
  }
  // Off the JS thread: the one signature no cache spares, checked on every presentation.
  if (!(await jwsVerifyAsync(cnf?.jwk, kb.input, kb.signature))) {
    return invalid('the key-binding JWT is not signed by the credential’s cnf key');
  }
  if (nonce !== undefined && p.nonce !== nonce) return invalid('the key-binding JWT carries another nonce');
  if (p.sd_hash !== sha256b64(sdPart))
    return invalid('the key-binding JWT’s sd_hash is not this presentation’s');
  return { header: h, payload: p };
}

/**
 * Verify an SD-JWT VC presentation's signatures (and key binding when `nonce` is given) with an
 * issuer JWK; no ledger. `now` is the time the issuer JWT's iat / nbf / exp are checked against.
 */
export async function verifySdJwtSignatures(
  presentation: string,
  issuerJwk: unknown,
  opts: { readonly nonce?: string; readonly now?: number } = {},
): Promise<VerifiedSdJwt> {
  return verifySdJwt(presentation, issuerJwk, opts.now, opts.nonce ?? NO_KEY_BINDING);
}

/**
 * The same with the key-binding JWT required but its nonce not compared: the verifier reports a
 * KB-JWT made for another request as a failed holder-binding check of its own, not as a bad
 * signature (src/credentials/verify.ts).
 */
export function verifySdJwtBound(
  presentation: string,
  issuerJwk: unknown,
  now: number,
): Promise<VerifiedSdJwt> {
  return verifySdJwt(presentation, issuerJwk, now, ANY_NONCE);
}

async function verifySdJwt(
  presentation: string,
  issuerJwk: unknown,
  now: number | undefined,
  /** The nonce the KB-JWT must carry, any (but a valid KB-JWT), or no key binding checked. */
  nonce: string | typeof ANY_NONCE | typeof NO_KEY_BINDING,
): Promise<VerifiedSdJwt> {
  if (keyTypeOfJwk(issuerJwk) === undefined) {
    throw new GongzhiError('IDENTITY_UNSUPPORTED_ALG', 'issuer key must be an Ed25519 or secp256k1 JWK');
  }
  const cut = presentation.lastIndexOf('~');
  const sdPart = cut < 0 ? presentation : presentation.slice(0, cut + 1);
  const issued = await issuedPart(sdPart, issuerJwk, now);
  if (nonce === NO_KEY_BINDING) return issued;
  const kbJwt = cut < 0 ? '' : presentation.slice(cut + 1);
  const kb = await keyBinding(kbJwt, sdPart, issued.payload, nonce === ANY_NONCE ? undefined : nonce);
  return decodeVerifiedSdJwt({ ...issued, kb });
}
