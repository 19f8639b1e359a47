import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { fromBase64Url, toBase64Url } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { decodeCompact, joseAlg, jwsVerify, type SigningKey, signCompact } from './keys.js';

/**
 * The two published forms of a ledger status list, both derived from the same bits:
 * - the IETF Token Status List token (draft-ietf-oauth-status-list, -17): a JWT `typ: statuslist+jwt`
 *   whose `status_list.lst` is the ZLIB-deflated (RFC 1950) byte array, LSB first, that SD-JWT VCs
 *   point at with `status.status_list {idx, uri}`;
 * - the W3C Bitstring Status List v1.0 credential (`BitstringStatusListCredential`, secured as a
 *   VC-JWT per VC-JOSE-COSE) with `encodedList` = multibase 'u' + base64url(GZIP(bits, MSB first)),
 *   that VC-JWT credentials point at with a `BitstringStatusListEntry`.
 * The ledger stores the W3C order (MSB first); the token form re-packs it.
 */

/** Path of a status list under a node's base URL (both forms; the bitstring credential adds `/bitstring`). */
export function statusListPath(group: string, issuerId: string, list: string): string {
  return `/v1/groups/${group}/identity/status-lists/${issuerId}/${list}`;
}

const PATH_RE =
  /\/v1\/groups\/([a-z0-9][a-z0-9-]{0,63})\/identity\/status-lists\/(gz[0-9a-f]{40})\/([a-z0-9-]{1,64})(\/bitstring)?$/;

/** The group, issuer id and list a status list URL names, or undefined for another URL. */
export function parseStatusListUrl(
  uri: string,
): { group: string; issuerId: string; list: string; bitstring: boolean } | undefined {
  let path: string;
  try {
    path = new URL(uri).pathname;
  } catch {
    return undefined;
  }
  const m = PATH_RE.exec(path);
  if (m === null) return undefined;
  return {
    group: m[1] as string,
    issuerId: m[2] as string,
    list: m[3] as string,
    bitstring: m[4] !== undefined,
  };
}

/** Token Status List values (draft §7.1). */
export const TOKEN_STATUS = { VALID: 0, INVALID: 1, SUSPENDED: 2 } as const;

/**
 * Re-pack MSB-first ledger bits as the token's byte array: a revocation list uses 1 bit per
 * status (1 = INVALID); a suspension list 2 bits (2 = SUSPENDED), so a verifier reading the token
 * alone tells a suspended credential from a revoked one.
 */
export function tokenStatusBytes(
  bits: Uint8Array,
  purpose: 'revocation' | 'suspension',
): {
  bits: 1 | 2;
  bytes: Uint8Array;
} {
  const n = bits.length * 8;
  if (purpose === 'revocation') {
    const out = new Uint8Array(bits.length);
    for (let i = 0; i < bits.length; i++) {
      const b = bits[i] ?? 0;
      let r = 0;
      for (let j = 0; j < 8; j++) if ((b & (0x80 >> j)) !== 0) r |= 1 << j;
      out[i] = r;
    }
    return { bits: 1, bytes: out };
  }
  const out = new Uint8Array(n / 4);
  for (let i = 0; i < n; i++) {
    if (((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0) {
      const k = i >> 2;
      out[k] = (out[k] ?? 0) | (TOKEN_STATUS.SUSPENDED << (2 * (i & 3)));
    }
  }
  return { bits: 2, bytes: out };
}

/** Times stated on a published status list (seconds since the epoch; ttl in seconds). */
export interface StatusTimes {
  readonly iat: number;
  readonly exp: number;
  readonly ttl: number;
}

/** Input of the two publishers. */
export interface StatusListSource {
  /** Issuer DID. */
  readonly issuer: string;
  /** Key of the issuer DID (an `assertionMethod`) that signs; `kid` its DID URL. */
  readonly key: SigningKey & { readonly kid: string };
  /** The URL the credentials name (`status_list.uri`, or `statusListCredential`). */
  readonly uri: string;
  readonly purpose: 'revocation' | 'suspension';
  /** The ledger's bits, MSB first. */
  readonly bits: Uint8Array;
  readonly times: StatusTimes;
}

/** A signed Token Status List token (`typ: statuslist+jwt`). */
export function statusListToken(src: StatusListSource): string {
  const { bits, bytes } = tokenStatusBytes(src.bits, src.purpose);
  return signCompact(
    src.key,
    { alg: joseAlg(src.key.type), kid: src.key.kid, typ: 'statuslist+jwt' },
    {
      iss: src.issuer,
      sub: src.uri,
      iat: src.times.iat,
      exp: src.times.exp,
      ttl: src.times.ttl,
      status_list: { bits, lst: toBase64Url(new Uint8Array(deflateSync(bytes, { level: 9 }))) },
    },
  );
}

/** A signed W3C `BitstringStatusListCredential` (VC-JWT, `typ: vc+jwt`). */
export function bitstringStatusListCredential(src: StatusListSource): string {
  return signCompact(
    src.key,
    { alg: joseAlg(src.key.type), kid: src.key.kid, typ: 'vc+jwt', cty: 'vc' },
    {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: src.uri,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: src.issuer,
      validFrom: new Date(src.times.iat * 1000).toISOString(),
      validUntil: new Date(src.times.exp * 1000).toISOString(),
      credentialSubject: {
        id: `${src.uri}#list`,
        type: 'BitstringStatusList',
        statusPurpose: src.purpose,
        encodedList: `u${toBase64Url(new Uint8Array(gzipSync(src.bits)))}`,
        // Bitstring Status List v1.0 §2.2: ttl in milliseconds.
        ttl: src.times.ttl * 1000,
      },
      iss: src.issuer,
      iat: src.times.iat,
      exp: src.times.exp,
    },
  );
}

function invalid(message: string, details: Record<string, string | number> = {}): never {
  throw new GongzhiError('IDENTITY_STATUS_TOKEN_INVALID', message, details);
}

/**
 * Status lists whose signature was found valid, by their text: a list is fetched once per ttl
 * and read for every presentation meanwhile, and decoding and verifying it costs in proportion
 * to its size. The key and typ are compared on a hit; the expiry is checked on every read.
 */
const verifiedLists = new Map<
  string,
  { readonly key: string; readonly typ: string; readonly d: ReturnType<typeof decodeCompact> }
>();
const MAX_LISTS = 64;

function verifiedJwt(jwt: string, issuerJwk: unknown, typ: string): ReturnType<typeof decodeCompact> {
  const j = issuerJwk as { crv?: unknown; x?: unknown; y?: unknown } | null;
  const key = `${String(j?.crv)}|${String(j?.x)}|${String(j?.y)}`;
  const hit = verifiedLists.get(jwt);
  if (hit !== undefined && hit.key === key && hit.typ === typ) return hit.d;
  let d: ReturnType<typeof decodeCompact>;
  try {
    d = decodeCompact(jwt);
  } catch {
    invalid('status list is not a compact JWS');
  }
  if (d.header.typ !== typ) invalid(`status list typ must be ${typ}`, { typ: String(d.header.typ) });
  if (!jwsVerify(issuerJwk, d.input, d.signature)) invalid('status list signature does not verify');
  if (verifiedLists.size >= MAX_LISTS) verifiedLists.clear();
  verifiedLists.set(jwt, { key, typ, d });
  return d;
}

/** Inflated lists by their compressed text (a pure function; the same list is read many times). */
const inflated = new Map<string, Uint8Array>();

function inflatedOnce(text: string, kind: 'zlib' | 'gzip'): Uint8Array {
  const id = `${kind}:${text}`;
  let bytes = inflated.get(id);
  if (bytes === undefined) {
    const b = fromBase64Url(text);
    bytes = new Uint8Array(kind === 'zlib' ? inflateSync(b) : gunzipSync(b));
    if (inflated.size >= MAX_LISTS) inflated.clear();
    inflated.set(id, bytes);
  }
  return bytes;
}

/** Decode and check a signed status list JWT: signature with `issuerJwk`, `typ`, expiry. */
function checkedJwt(
  jwt: string,
  issuerJwk: unknown,
  typ: string,
  now: number,
): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const d = verifiedJwt(jwt, issuerJwk, typ);
  const exp = d.payload.exp;
  if (typeof exp === 'number' && now >= exp) {
    throw new GongzhiError('IDENTITY_STATUS_TOKEN_EXPIRED', 'status list has expired; fetch it again', {
      exp,
      now,
    });
  }
  return d;
}

/**
 * Verify a Token Status List token offline with the issuer's key and read status `idx`:
 * IDENTITY_STATUS_TOKEN_INVALID (signature, typ, `sub` ≠ the credential's uri, malformed list,
 * index out of range), IDENTITY_STATUS_TOKEN_EXPIRED (`exp` passed).
 */
export function readStatusListToken(
  token: string,
  issuerJwk: unknown,
  ref: { readonly uri: string; readonly idx: number; readonly now: number },
): number {
  const { payload } = checkedJwt(token, issuerJwk, 'statuslist+jwt', ref.now);
  if (payload.sub !== ref.uri)
    invalid('status list token sub is not the credential’s uri', { sub: String(payload.sub) });
  const sl = payload.status_list as { bits?: unknown; lst?: unknown } | undefined;
  const bits = sl?.bits;
  if ((bits !== 1 && bits !== 2 && bits !== 4 && bits !== 8) || typeof sl?.lst !== 'string') {
    invalid('status_list must have bits (1, 2, 4, 8) and lst');
  }
  let bytes: Uint8Array;
  try {
    bytes = inflatedOnce(sl.lst, 'zlib');
  } catch {
    invalid('status_list.lst is not ZLIB-compressed base64url');
  }
  const perByte = 8 / bits;
  const byte = bytes[Math.floor(ref.idx / perByte)];
  if (!Number.isSafeInteger(ref.idx) || ref.idx < 0 || byte === undefined) {
    invalid('status index beyond the list', { idx: ref.idx });
  }
  return (byte >> (bits * (ref.idx % perByte))) & ((1 << bits) - 1);
}

/**
 * Verify a `BitstringStatusListCredential` (VC-JWT) offline with the issuer's key and read bit
 * `index`: the same codes as `readStatusListToken`; the credential's id must be `url` and its
 * purpose the entry's.
 */
export function readBitstringStatusList(
  jwt: string,
  issuerJwk: unknown,
  ref: { readonly url: string; readonly index: number; readonly purpose: string; readonly now: number },
): boolean {
  const { payload } = checkedJwt(jwt, issuerJwk, 'vc+jwt', ref.now);
  const types = Array.isArray(payload.type) ? payload.type : [];
  if (!types.includes('BitstringStatusListCredential') || payload.id !== ref.url) {
    invalid('not the BitstringStatusListCredential the entry names', { id: String(payload.id) });
  }
  const until = typeof payload.validUntil === 'string' ? Date.parse(payload.validUntil) : Number.NaN;
  if (Number.isFinite(until) && ref.now * 1000 >= until) {
    throw new GongzhiError('IDENTITY_STATUS_TOKEN_EXPIRED', 'status list credential has expired', {
      validUntil: String(payload.validUntil),
    });
  }
  const subject = payload.credentialSubject as { encodedList?: unknown; statusPurpose?: unknown } | undefined;
  if (subject?.statusPurpose !== ref.purpose) invalid('status purpose differs from the entry’s');
  const enc = subject.encodedList;
  if (typeof enc !== 'string' || !enc.startsWith('u'))
    invalid('encodedList must be multibase base64url (u…)');
  let bits: Uint8Array;
  try {
    bits = inflatedOnce(enc.slice(1), 'gzip');
  } catch {
    invalid('encodedList is not GZIP-compressed');
  }
  const byte = bits[ref.index >> 3];
  if (!Number.isSafeInteger(ref.index) || ref.index < 0 || byte === undefined) {
    invalid('status index beyond the list', { index: ref.index });
  }
  return (byte & (0x80 >> (ref.index & 7))) !== 0;
}
