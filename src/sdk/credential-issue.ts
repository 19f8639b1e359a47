/**
 * Issue an SD-JWT VC in a browser: the same credential as the node-side issuer
 * (src/credentials/credentials.ts `issueSdJwtVc`, which the verifier checks) — `typ: dc+sd-jwt`,
 * issuer DID in `iss`, holder key in `cnf.jwk`, a salted disclosure per selective claim, status as
 * the Token Status List reference — built with @sd-jwt/core, SHA-256 from @noble/hashes, salts from
 * Web Crypto and the signature from the SDK's portable suites, so a clerk signs with the key of a
 * keystore opened in the page and the key never leaves it.
 *
 * Claims are checked against the schema's top-level shape here (required names, declared types,
 * enums, `additionalProperties: false`): a full JSON Schema validator (ajv) compiles schemas to
 * code, which the console's Content-Security-Policy forbids; every verifier validates the
 * disclosed claims against the registered schema in full.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2';
import { SDJwtInstance } from '@sd-jwt/core';
import { portableRandomBytes } from '../crypto/portable.js';
import { toBase64Url, utf8 } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { getSuite, type SuiteId } from './suite.js';

/** A JWK of a public key, as the node writes it (src/crypto/keys.ts `exportJwk`). */
export interface PublicJwk {
  readonly kty: 'OKP' | 'EC';
  readonly crv: 'Ed25519' | 'secp256k1';
  readonly x: string;
  readonly y?: string;
}

/** JOSE algorithm of a key type; sm2 has none registered, so it cannot sign credentials. */
export function credentialAlg(type: SuiteId): 'EdDSA' | 'ES256K' {
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'secp256k1') return 'ES256K';
  throw new GongzhiError(
    'SDK_UNSUPPORTED_ALG',
    'credentials are signed with ed25519 (EdDSA) or secp256k1 (ES256K) keys',
    { type },
  );
}

/** The public JWK of a key (for `cnf.jwk`); the same members and order as the node's. */
export function publicJwkOf(type: SuiteId, publicKey: Uint8Array): PublicJwk {
  credentialAlg(type);
  if (!getSuite(type).isPublicKey(publicKey)) {
    throw new GongzhiError('CRYPTO_BAD_KEY', `not a ${type} public key`, { length: publicKey.length });
  }
  if (type === 'ed25519') return { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(publicKey) };
  const full = secp256k1Uncompressed(publicKey);
  return {
    kty: 'EC',
    crv: 'secp256k1',
    x: toBase64Url(full.subarray(1, 33)),
    y: toBase64Url(full.subarray(33)),
  };
}

function secp256k1Uncompressed(point: Uint8Array): Uint8Array {
  return secp256k1.Point.fromBytes(point).toBytes(false);
}

/** Input of `issueSdJwtVcInBrowser`. */
export interface BrowserIssueInput {
  /** The issuer's key (from an unlocked keystore) and its DID URL, `did:gongzhi:…#key-1`. */
  readonly issuer: {
    readonly type: SuiteId;
    readonly secretKey: Uint8Array;
    readonly publicKey: Uint8Array;
    readonly kid: string;
  };
  readonly subject: string;
  /** The holder's key-binding key (public part). */
  readonly holder: { readonly type: SuiteId; readonly publicKey: Uint8Array };
  /** The registered schema (the identity module's `schema` query answer). */
  readonly schema: { readonly schemaId: number; readonly version: number; readonly schema: unknown };
  /** `did:gongzhi:<chain>:<group>`: the vct is `<prefix>:schema:<id>:<version>`. */
  readonly vctPrefix: string;
  readonly claims: Readonly<Record<string, unknown>>;
  /** Claim names the holder may disclose selectively; default all. */
  readonly selective?: readonly string[];
  /** Seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
  /** The issuer's status list entry (`uri`: the list's URL on a node, else the DID URL form). */
  readonly status?: { readonly list: string; readonly index: number; readonly uri?: string };
}

const bad = (message: string, details: Record<string, string | number> = {}) =>
  new GongzhiError('SDK_CLAIMS_INVALID', message, details);

const typeOf = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : typeof v === 'number' && Number.isInteger(v)
        ? 'integer'
        : typeof v;

function typeMatches(want: unknown, v: unknown): boolean {
  const wants = Array.isArray(want) ? want : [want];
  const have = typeOf(v);
  return wants.some((w) => w === have || (w === 'number' && have === 'integer'));
}

/**
 * The top level of a JSON Schema applied to claims: `required`, each property's `type` and
 * `enum`, and `additionalProperties: false`. SDK_CLAIMS_INVALID names the first claim at fault.
 */
export function checkClaimsShape(schema: unknown, claims: Readonly<Record<string, unknown>>): void {
  if (typeof schema !== 'object' || schema === null) throw bad('the schema is not a JSON Schema object');
  const s = schema as { required?: unknown; properties?: unknown; additionalProperties?: unknown };
  const props = (typeof s.properties === 'object' && s.properties !== null ? s.properties : {}) as Record<
    string,
    { type?: unknown; enum?: unknown } | undefined
  >;
  for (const name of Array.isArray(s.required) ? s.required : []) {
    if (typeof name === 'string' && !(name in claims))
      throw bad(`claim ${name} is required`, { claim: name });
  }
  for (const [name, v] of Object.entries(claims)) {
    const p = props[name];
    if (p === undefined) {
      if (s.additionalProperties === false) throw bad(`claim ${name} is not in the schema`, { claim: name });
      continue;
    }
    if (p.type !== undefined && !typeMatches(p.type, v)) {
      throw bad(`claim ${name} must be ${String(p.type)}`, { claim: name, type: typeOf(v) });
    }
    if (Array.isArray(p.enum) && !p.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
      throw bad(`claim ${name} must be one of ${p.enum.map(String).join(', ')}`, { claim: name });
    }
  }
}

/** The issuer DID of a DID URL kid (`did:…#frag`). */
function didOfKid(kid: string): string {
  const i = kid.indexOf('#');
  if (i <= 0 || !kid.startsWith('did:')) {
    throw new GongzhiError('SDK_CLAIMS_INVALID', 'the issuer key id must be a DID URL with a fragment', {
      kid,
    });
  }
  return kid.slice(0, i);
}

/**
 * Issue an SD-JWT VC signed with `input.issuer`'s key (EdDSA or ES256K). Bad claims:
 * SDK_CLAIMS_INVALID; an sm2 key: SDK_UNSUPPORTED_ALG; a bad holder key: CRYPTO_BAD_KEY.
 */
export async function issueSdJwtVcInBrowser(input: BrowserIssueInput): Promise<string> {
  const alg = credentialAlg(input.issuer.type);
  checkClaimsShape(input.schema.schema, input.claims);
  const iss = didOfKid(input.issuer.kid);
  const suite = getSuite(input.issuer.type);
  if (!(input.exp > input.iat)) throw bad('the credential must expire after it is issued');
  const payload: Record<string, unknown> = {
    iss,
    sub: input.subject,
    iat: input.iat,
    exp: input.exp,
    vct: `${input.vctPrefix}:schema:${input.schema.schemaId}:${input.schema.version}`,
    cnf: { jwk: publicJwkOf(input.holder.type, input.holder.publicKey) },
    ...(input.status === undefined
      ? {}
      : {
          status: {
            status_list: {
              idx: input.status.index,
              uri: input.status.uri ?? `${iss}/status/${input.status.list}`,
            },
          },
        }),
    ...input.claims,
  };
  const sd = new SDJwtInstance({
    hasher: (data: string | ArrayBuffer, hashAlg: string) => {
      if (hashAlg !== 'sha-256')
        throw new GongzhiError('SDK_UNSUPPORTED_ALG', `hash ${hashAlg} not supported`);
      return sha256(typeof data === 'string' ? utf8(data) : new Uint8Array(data));
    },
    hashAlg: 'sha-256',
    saltGenerator: (n: number) => toBase64Url(portableRandomBytes(n)),
    signer: (data: string) => toBase64Url(suite.sign(input.issuer.secretKey, utf8(data))),
    signAlg: alg,
  });
  const selective = input.selective ?? Object.keys(input.claims);
  return sd.issue(
    payload as Parameters<SDJwtInstance<Record<string, unknown>>['issue']>[0],
    { _sd: selective } as Parameters<SDJwtInstance<Record<string, unknown>>['issue']>[1],
    { header: { kid: input.issuer.kid, typ: 'dc+sd-jwt' } },
  );
}
