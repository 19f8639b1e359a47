import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { exportJwk, importJwk, type Jwk } from '../crypto/index.js';
import { fromBase64Url, toBase64Url, utf8 } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { keyTypeOfJwk } from './keys.js';

/**
 * DID methods other than did:gongzhi: did:key (W3C CCG did:key v0.9, Multikey) and did:jwk
 * (did:jwk v1, JsonWebKey2020) are resolved locally from the DID itself; did:web (W3C CCG did:web)
 * is fetched over HTTPS, and only from hosts on the node's allow-list: nothing is fetched for any
 * other host.
 */

export const DID_V1 = 'https://www.w3.org/ns/did/v1';
/** The context that defines `JsonWebKey2020`. */
export const JWS_2020_V1 = 'https://w3id.org/security/suites/jws-2020/v1';
/** The context that defines `Multikey` and `publicKeyMultibase`. */
export const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

/** A verification method as DID Core writes it. */
export interface VerificationMethod {
  readonly id: string;
  readonly type: 'JsonWebKey2020' | 'Multikey';
  readonly controller: string;
  readonly publicKeyJwk?: Jwk | Record<string, unknown>;
  readonly publicKeyMultibase?: string;
}

/** A W3C DID Core document (the parts this project reads and writes). */
export interface DidDocument {
  readonly '@context': readonly string[];
  readonly id: string;
  readonly controller?: readonly string[];
  readonly verificationMethod: readonly VerificationMethod[];
  readonly authentication: readonly string[];
  readonly assertionMethod: readonly string[];
  readonly capabilityInvocation?: readonly string[];
  readonly capabilityDelegation?: readonly string[];
  readonly service?: readonly { id: string; type: string; serviceEndpoint: unknown }[];
}

/** A validated public key in its raw form (secp256k1 compressed); IDENTITY_… from the crypto layer otherwise. */
function normaliseKey(type: 'ed25519' | 'secp256k1', publicKey: Uint8Array): Uint8Array {
  return importJwk(type, exportJwk(type, { publicKey })).publicKey;
}

// ---- base58btc (multibase 'z'), the did:key encoding ----

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

export function base58btc(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = '';
  while (n > 0n) {
    out = (B58[Number(n % 58n)] as string) + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}

export function fromBase58btc(s: string): Uint8Array {
  let n = 0n;
  for (const c of s) {
    const i = B58.indexOf(c);
    if (i < 0) throw new GongzhiError('IDENTITY_BAD_DID', 'not base58btc', { char: c });
    n = n * 58n + BigInt(i);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  for (const c of s) {
    if (c !== '1') break;
    bytes.unshift(0);
  }
  return Uint8Array.from(bytes);
}

/** Multicodec prefixes (varint) of the public key types did:key carries here. */
const MULTICODEC = {
  ed25519: Uint8Array.of(0xed, 0x01),
  secp256k1: Uint8Array.of(0xe7, 0x01),
} as const;

/** The did:key of a public key (Ed25519 or compressed secp256k1). */
export function didKeyOf(type: 'ed25519' | 'secp256k1', publicKey: Uint8Array): string {
  const pk = normaliseKey(type, publicKey);
  const mc = new Uint8Array(2 + pk.length);
  mc.set(MULTICODEC[type]);
  mc.set(pk, 2);
  return `did:key:z${base58btc(mc)}`;
}

/** The did:jwk of a public JWK. */
export function didJwkOf(jwk: Jwk): string {
  const { kty, crv, x, y } = jwk;
  return `did:jwk:${toBase64Url(utf8(JSON.stringify(y === undefined ? { crv, kty, x } : { crv, kty, x, y })))}`;
}

/** did:key document (did:key v0.9 §3.1.2, Multikey representation). */
export function didKeyDocument(did: string): DidDocument {
  const msid = did.slice('did:key:'.length);
  if (!msid.startsWith('z')) {
    throw new GongzhiError('IDENTITY_BAD_DID', 'did:key must be multibase base58btc (z…)', { did });
  }
  const mc = fromBase58btc(msid.slice(1));
  let type: 'ed25519' | 'secp256k1' | undefined;
  if (mc[0] === 0xed && mc[1] === 0x01 && mc.length === 34) type = 'ed25519';
  if (mc[0] === 0xe7 && mc[1] === 0x01 && mc.length === 35) type = 'secp256k1';
  if (type === undefined) {
    throw new GongzhiError(
      'IDENTITY_DID_METHOD_UNSUPPORTED',
      'did:key of an unsupported key type or length',
      {
        did,
      },
    );
  }
  try {
    normaliseKey(type, mc.subarray(2));
  } catch (e) {
    throw new GongzhiError('IDENTITY_BAD_DID', 'did:key holds an invalid public key', { did }, { cause: e });
  }
  const vm = `${did}#${msid}`;
  return {
    '@context': [DID_V1, MULTIKEY_V1],
    id: did,
    verificationMethod: [{ id: vm, type: 'Multikey', controller: did, publicKeyMultibase: msid }],
    authentication: [vm],
    assertionMethod: [vm],
    capabilityInvocation: [vm],
    capabilityDelegation: [vm],
  };
}

/** did:jwk document (did:jwk v1 §2.3). Private JWKs are refused. */
export function didJwkDocument(did: string): DidDocument {
  let jwk: Record<string, unknown>;
  try {
    jwk = JSON.parse(new TextDecoder().decode(fromBase64Url(did.slice('did:jwk:'.length)))) as Record<
      string,
      unknown
    >;
  } catch (e) {
    throw new GongzhiError('IDENTITY_BAD_DID', 'did:jwk is not a base64url JWK', { did }, { cause: e });
  }
  if (typeof jwk !== 'object' || jwk === null || 'd' in jwk || typeof jwk.kty !== 'string') {
    throw new GongzhiError('IDENTITY_BAD_DID', 'did:jwk must hold a public JWK', { did });
  }
  const vm = `${did}#0`;
  return {
    '@context': [DID_V1, JWS_2020_V1],
    id: did,
    verificationMethod: [{ id: vm, type: 'JsonWebKey2020', controller: did, publicKeyJwk: jwk }],
    authentication: [vm],
    assertionMethod: [vm],
    capabilityInvocation: [vm],
    capabilityDelegation: [vm],
  };
}

/** The public JWK of a verification method (Multikey or JsonWebKey2020), for signature checks. */
export function jwkOfMethod(vm: VerificationMethod): Jwk | undefined {
  if (vm.publicKeyJwk !== undefined) {
    return keyTypeOfJwk(vm.publicKeyJwk) === undefined ? undefined : (vm.publicKeyJwk as Jwk);
  }
  const mb = vm.publicKeyMultibase;
  if (typeof mb !== 'string' || !mb.startsWith('z')) return undefined;
  try {
    const mc = fromBase58btc(mb.slice(1));
    if (mc[0] === 0xed && mc[1] === 0x01) return exportJwk('ed25519', { publicKey: mc.subarray(2) });
    if (mc[0] === 0xe7 && mc[1] === 0x01) return exportJwk('secp256k1', { publicKey: mc.subarray(2) });
  } catch {
    return undefined;
  }
  return undefined;
}

/** The HTTPS URL of a did:web document (did:web §3.2.1) and its host (`host[:port]`). */
export function didWebUrl(did: string): { url: string; host: string } {
  const parts = did.slice('did:web:'.length).split(':');
  const host = decodeURIComponent(parts[0] ?? '').toLowerCase();
  if (!/^[a-z0-9.-]+(:[0-9]{1,5})?$/.test(host) || parts.some((p) => p === '')) {
    throw new GongzhiError('IDENTITY_BAD_DID', 'not a did:web DID', { did });
  }
  const path = parts.slice(1).map(decodeURIComponent);
  return { url: `https://${host}/${path.length === 0 ? '.well-known' : path.join('/')}/did.json`, host };
}

/** Where the node may fetch from, and which CAs it trusts for that. */
export interface FetchPolicy {
  readonly allowHosts?: readonly string[];
  readonly ca?: string;
}

/** True when `host` (`host[:port]`) is on the allow-list. */
export function hostAllowed(policy: FetchPolicy, host: string): boolean {
  return (policy.allowHosts ?? []).some((h) => h.toLowerCase() === host.toLowerCase());
}

const MAX_FETCH_BYTES = 256 * 1024;
const FETCH_TIMEOUT_MS = 5000;

/**
 * GET an HTTPS URL on an allowed host: IDENTITY_DID_WEB_HOST_NOT_ALLOWED before any connection
 * otherwise; IDENTITY_DID_WEB_FETCH on a non-200 answer, a redirect, a timeout or an oversize body.
 */
export function fetchAllowed(policy: FetchPolicy, url: string, accept: string): Promise<string> {
  return fetchAllowedResponse(policy, url, accept).then((r) => r.body);
}

/** Validators of a kept response, sent so that an unchanged one is answered 304 (RFC 9110 §13.1). */
export interface Validators {
  /** Sent as `If-None-Match`. */
  readonly etag?: string;
  /** Sent as `If-Modified-Since` (ignored by servers when `If-None-Match` is sent too, §13.1.3). */
  readonly lastModified?: string;
}

/**
 * As fetchAllowed, with the response's headers (for how long it may be kept: ./http-freshness.ts).
 * With `validators`, a 304 is an answer too (`notModified`, empty body) rather than a failure.
 */
export function fetchAllowedResponse(
  policy: FetchPolicy,
  url: string,
  accept: string,
  validators?: Validators,
): Promise<{
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
  readonly notModified: boolean;
}> {
  const u = new URL(url);
  if (u.protocol !== 'https:' || !hostAllowed(policy, u.host)) {
    return Promise.reject(
      new GongzhiError('IDENTITY_DID_WEB_HOST_NOT_ALLOWED', 'host is not on the allow-list', {
        host: u.host,
      }),
    );
  }
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new GongzhiError('IDENTITY_DID_WEB_FETCH', why, { url }));
    const req = request(
      u,
      {
        method: 'GET',
        headers: {
          accept,
          ...(validators?.etag === undefined ? {} : { 'if-none-match': validators.etag }),
          ...(validators?.lastModified === undefined ? {} : { 'if-modified-since': validators.lastModified }),
        },
        timeout: FETCH_TIMEOUT_MS,
        ...(policy.ca === undefined ? {} : { ca: policy.ca }),
      },
      (res) => {
        const conditional = validators?.etag !== undefined || validators?.lastModified !== undefined;
        if (res.statusCode === 304 && conditional) {
          res.resume();
          resolve({ body: '', headers: res.headers, notModified: true });
          return;
        }
        if (res.statusCode !== 200) {
          res.resume();
          fail(`HTTP ${res.statusCode ?? 0}`);
          return;
        }
        const chunks: Buffer[] = [];
        let n = 0;
        res.on('data', (c: Buffer) => {
          n += c.length;
          if (n > MAX_FETCH_BYTES) {
            req.destroy();
            fail('response too large');
          } else chunks.push(c);
        });
        res.on('end', () =>
          resolve({ body: Buffer.concat(chunks).toString('utf8'), headers: res.headers, notModified: false }),
        );
        res.on('error', (e) => fail(e.message));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => fail(e.message));
    req.end();
  });
}

/** Fetch and check a did:web document: it must be JSON with `id` equal to the DID. */
export async function resolveDidWeb(did: string, policy: FetchPolicy): Promise<DidDocument> {
  const r = await fetchDidWeb(did, policy);
  // Unconditional, so never a 304; a server that sends one anyway has not sent a document.
  if (r.doc === undefined) throw new GongzhiError('IDENTITY_DID_WEB_FETCH', 'HTTP 304', { did });
  return r.doc;
}

/** A did:web fetch: the document and its headers, or (to a conditional request) a 304's headers. */
export type DidWebFetched =
  | { readonly doc: DidDocument; readonly headers: IncomingHttpHeaders; readonly notModified?: false }
  | { readonly doc?: undefined; readonly headers: IncomingHttpHeaders; readonly notModified: true };

/**
 * As resolveDidWeb, with the response's headers (./did-web-cache.ts keeps the document by them).
 * With the kept document's `validators`, an unchanged document is answered `notModified` and not
 * parsed again.
 */
export async function fetchDidWeb(
  did: string,
  policy: FetchPolicy,
  validators?: Validators,
): Promise<DidWebFetched> {
  const { url } = didWebUrl(did);
  const { body, headers, notModified } = await fetchAllowedResponse(
    policy,
    url,
    'application/did+ld+json, application/did+json, application/json',
    validators,
  );
  if (notModified) return { headers, notModified: true };
  let doc: DidDocument;
  try {
    doc = JSON.parse(body) as DidDocument;
  } catch {
    throw new GongzhiError('IDENTITY_DID_WEB_FETCH', 'did:web document is not JSON', { url });
  }
  if (typeof doc !== 'object' || doc === null || doc.id !== did) {
    throw new GongzhiError('IDENTITY_DID_WEB_FETCH', 'did:web document id is not the DID', { url });
  }
  return {
    doc: {
      ...doc,
      verificationMethod: Array.isArray(doc.verificationMethod) ? doc.verificationMethod : [],
      authentication: Array.isArray(doc.authentication) ? doc.authentication : [],
      assertionMethod: Array.isArray(doc.assertionMethod) ? doc.assertionMethod : [],
    },
    headers,
  };
}
