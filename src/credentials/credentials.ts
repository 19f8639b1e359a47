import { createHash, randomBytes } from 'node:crypto';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { Ajv } from 'ajv';
import { toBase64Url, utf8 } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { joseAlg, jwsSign, jwsVerify, publicJwk, type SigningKey, signCompact } from './keys.js';
import { statusListPath } from './status.js';

/** A schema (CPT) as served by the `identity.schema` query. */
export interface SchemaRef {
  readonly schemaId: number;
  readonly version: number;
  readonly schema: unknown;
}

/** Where the credential's status bit lives: the issuer's status list on the ledger. */
export interface StatusRef {
  readonly list: string;
  readonly index: number;
  readonly purpose: 'revocation' | 'suspension';
  /**
   * The list's URL on a node (`statusListUrl`), where outside verifiers fetch it: the Token Status
   * List token there, the BitstringStatusListCredential at `<uri>/bitstring`. Without it the
   * credential names the list by the DID URL `<issuer>/status/<list>`, which only a verifier
   * reading the ledger can follow.
   */
  readonly uri?: string;
}

/** The URL of an issuer's status list on the node at `baseUrl`. */
export function statusListUrl(baseUrl: string, group: string, issuerId: string, list: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${statusListPath(group, issuerId, list)}`;
}

/** The IETF Token Status List reference of an SD-JWT VC (draft-ietf-oauth-status-list §6.1). */
function statusClaim(iss: string, s: StatusRef): { status_list: { idx: number; uri: string } } {
  return { status_list: { idx: s.index, uri: s.uri ?? `${iss}/status/${s.list}` } };
}

/** The W3C `BitstringStatusListEntry` of a VC-JWT (Bitstring Status List v1.0 §2.1). */
function statusEntry(iss: string, s: StatusRef): Record<string, string> {
  const url = s.uri === undefined ? `${iss}/status/${s.list}` : `${s.uri}/bitstring`;
  return {
    id: `${url}#${s.index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: s.purpose,
    statusListIndex: String(s.index),
    statusListCredential: url,
  };
}

/** Largest presentation we promise fits one QR code (QR version 40, byte mode, ECC level L: 2953 bytes). */
export const QR_MAX_BYTES = 2953;

/** `vct` of a Gongzhi credential type: names the on-ledger schema id and version. */
export function vctOf(chainGroupPrefix: string, schemaId: number, version: number): string {
  return `${chainGroupPrefix}:schema:${schemaId}:${version}`;
}

/** Path of a schema's SD-JWT VC type metadata under a node's base URL (the `vct` as a URL). */
export function vctPath(group: string, schemaId: number, version: number): string {
  return `/v1/groups/${group}/identity/vct/${schemaId}/${version}`;
}

/**
 * `vct` as an HTTPS URL on a node: GET on it returns the type's metadata document
 * (draft-ietf-oauth-sd-jwt-vc, "Type Metadata", retrieved from the vct URL itself).
 */
export function vctUrl(baseUrl: string, group: string, schemaId: number, version: number): string {
  return `${baseUrl.replace(/\/+$/, '')}${vctPath(group, schemaId, version)}`;
}

/** Parse `…:schema:<id>:<version>` (DID form) or `…/identity/vct/<id>/<version>` (URL form) from a vct. */
export function schemaOfVct(vct: unknown): { schemaId: number; version: number } | undefined {
  const m =
    typeof vct === 'string'
      ? (/:schema:([0-9]{1,10}):([0-9]{1,6})$/.exec(vct) ??
        /^https?:\/\/[^?#]*\/identity\/vct\/([0-9]{1,10})\/([0-9]{1,6})$/.exec(vct))
      : null;
  return m === null ? undefined : { schemaId: Number(m[1]), version: Number(m[2]) };
}

const ajv = new Ajv({ allErrors: true, strict: false });

const MAX_COMPILED = 256;
type Validator = ReturnType<typeof ajv.compile>;
const validators = new Map<string, Validator>();
/** The same schema object again (a verifier's memoised query answer): no stringify at all. */
const byObject = new WeakMap<object, { all?: Validator; disclosed?: Validator }>();

/** A compiled validator per schema text: compiling costs far more than validating, and schemas are few. */
function compiled(schema: unknown, disclosedOnly: boolean): Validator {
  const known = typeof schema === 'object' && schema !== null ? byObject.get(schema) : undefined;
  const hit = disclosedOnly ? known?.disclosed : known?.all;
  if (hit !== undefined) return hit;
  // Disclosed claims only: undisclosed required claims are not held against the holder.
  const effective = disclosedOnly ? { ...(schema as object), required: [] } : schema;
  const key = JSON.stringify(effective);
  let v = validators.get(key);
  if (v === undefined) {
    v = ajv.compile(effective as object);
    if (validators.size >= MAX_COMPILED) validators.clear();
    validators.set(key, v);
  }
  if (typeof schema === 'object' && schema !== null) {
    byObject.set(schema, { ...known, [disclosedOnly ? 'disclosed' : 'all']: v });
  }
  return v;
}

/**
 * Validate claims against a JSON Schema; IDENTITY_CLAIMS_INVALID with the errors otherwise.
 * `disclosedOnly`: the claims are what a holder disclosed, so the schema's `required` is not applied.
 */
export function validateClaims(
  schema: unknown,
  claims: Readonly<Record<string, unknown>>,
  disclosedOnly = false,
): void {
  const validate = compiled(schema, disclosedOnly);
  if (!validate(claims)) {
    throw new GongzhiError('IDENTITY_CLAIMS_INVALID', 'claims do not match the schema', {
      errors: (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; '),
    });
  }
}

const hasher = (data: string | ArrayBuffer, alg: string): Uint8Array => {
  if (alg !== 'sha-256') throw new GongzhiError('IDENTITY_UNSUPPORTED_ALG', `hash ${alg} not supported`);
  return new Uint8Array(
    createHash('sha256')
      .update(typeof data === 'string' ? utf8(data) : new Uint8Array(data))
      .digest(),
  );
};

/** An SD-JWT VC instance with our signer/verifier (EdDSA or ES256K). */
function instance(opts: {
  signer?: SigningKey;
  kbSigner?: SigningKey;
  issuerJwk?: unknown;
}): SDJwtVcInstance {
  return new SDJwtVcInstance({
    hasher,
    hashAlg: 'sha-256',
    saltGenerator: (n) => toBase64Url(new Uint8Array(randomBytes(n))),
    ...(opts.signer === undefined
      ? {}
      : { signer: (d: string) => jwsSign(opts.signer as SigningKey, d), signAlg: joseAlg(opts.signer.type) }),
    ...(opts.kbSigner === undefined
      ? {}
      : {
          kbSigner: (d: string) => jwsSign(opts.kbSigner as SigningKey, d),
          kbSignAlg: joseAlg(opts.kbSigner.type),
        }),
    verifier: (data: string, sig: string) => jwsVerify(opts.issuerJwk, data, sig),
    kbVerifier: (data: string, sig: string, payload) =>
      jwsVerify((payload as { cnf?: { jwk?: unknown } }).cnf?.jwk, data, sig),
  });
}

/** Input of `issueSdJwtVc`. */
export interface IssueInput {
  /** Issuer's assertion key; `kid` must be its DID URL (`did:gongzhi:…#key`). */
  readonly issuer: SigningKey & { readonly kid: string };
  readonly subject: string;
  /** Holder's key-binding key (public part goes into `cnf.jwk`). */
  readonly holder: { readonly type: SigningKey['type']; readonly publicKey: Uint8Array };
  readonly schema: SchemaRef;
  /** `<did:gongzhi:chain:group>` prefix for the vct. */
  readonly vctPrefix: string;
  /** The vct itself (a `vctUrl`, where wallets fetch the type metadata); default: the DID form from `vctPrefix`. */
  readonly vct?: string;
  readonly claims: Readonly<Record<string, unknown>>;
  /** Claim names the holder may disclose selectively (others are always visible). Default: all. */
  readonly selective?: readonly string[];
  /** Issued-at and expiry, seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
  readonly status?: StatusRef;
}

/** The issuer DID of a kid. */
function issuerDidOf(kid: string): string {
  const i = kid.indexOf('#');
  if (i <= 0)
    throw new GongzhiError('IDENTITY_CREDENTIAL_INVALID', 'issuer kid must be a DID URL with a fragment');
  return kid.slice(0, i);
}

/**
 * Issue an SD-JWT VC (`typ: dc+sd-jwt`): claims validated against the registered schema, each
 * selective claim a salted disclosure, holder key in `cnf.jwk`, status as the IETF Token Status
 * List reference `status.status_list {idx, uri}` (what SD-JWT VC verifiers read).
 */
export async function issueSdJwtVc(input: IssueInput): Promise<string> {
  validateClaims(input.schema.schema, input.claims);
  const iss = issuerDidOf(input.issuer.kid);
  const selective = input.selective ?? Object.keys(input.claims);
  const payload: Record<string, unknown> = {
    iss,
    sub: input.subject,
    iat: input.iat,
    exp: input.exp,
    vct: input.vct ?? vctOf(input.vctPrefix, input.schema.schemaId, input.schema.version),
    cnf: { jwk: publicJwk(input.holder) },
    ...(input.status === undefined ? {} : { status: statusClaim(iss, input.status) }),
    ...input.claims,
  };
  const sd = instance({ signer: input.issuer });
  return sd.issue(
    payload as Parameters<SDJwtVcInstance['issue']>[0],
    { _sd: selective } as Parameters<SDJwtVcInstance['issue']>[1],
    { header: { kid: input.issuer.kid, typ: 'dc+sd-jwt' } },
  );
}

/**
 * Issue a plain W3C VC Data Model 2.0 credential secured as a JWT (VC-JOSE-COSE, `typ: vc+jwt`;
 * the payload is the credential). No selective disclosure; for public certificates.
 */
export function issueJwtVc(
  input: Omit<IssueInput, 'holder' | 'selective'> & { readonly type: string },
): string {
  validateClaims(input.schema.schema, input.claims);
  const iss = issuerDidOf(input.issuer.kid);
  const credential = {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiableCredential', input.type],
    issuer: iss,
    validFrom: new Date(input.iat * 1000).toISOString(),
    validUntil: new Date(input.exp * 1000).toISOString(),
    credentialSchema: {
      id: vctOf(input.vctPrefix, input.schema.schemaId, input.schema.version),
      type: 'JsonSchema',
    },
    credentialSubject: { id: input.subject, ...input.claims },
    ...(input.status === undefined ? {} : { credentialStatus: statusEntry(iss, input.status) }),
    iss,
    sub: input.subject,
    iat: input.iat,
    exp: input.exp,
  };
  return signCompact(
    input.issuer,
    { alg: joseAlg(input.issuer.type), kid: input.issuer.kid, typ: 'vc+jwt' },
    credential,
  );
}

/** Holder side: disclose only `disclose` claims, with a key-binding JWT over nonce and audience. */
export async function presentSdJwtVc(
  credential: string,
  holderKey: SigningKey,
  request: {
    readonly disclose: readonly string[];
    readonly nonce: string;
    readonly aud: string;
    readonly iat: number;
  },
): Promise<string> {
  const sd = instance({ kbSigner: holderKey });
  const frame = Object.fromEntries(request.disclose.map((k) => [k, true]));
  const presentation = await sd.present(credential, frame, {
    kb: { payload: { iat: request.iat, aud: request.aud, nonce: request.nonce } },
  });
  if (utf8(presentation).length > QR_MAX_BYTES) {
    throw new GongzhiError('IDENTITY_TOO_LARGE', `presentation exceeds ${QR_MAX_BYTES} bytes (one QR code)`, {
      bytes: utf8(presentation).length,
    });
  }
  return presentation;
}

/** The issuer-signed JWT of an SD-JWT (the part every presentation shares). */
export function issuerJwtOf(sdJwt: string): string {
  const end = sdJwt.indexOf('~');
  return end < 0 ? sdJwt : sdJwt.slice(0, end);
}

/** Digest anchored in the evidence module for a credential: SHA-256 of its issuer-signed JWT. */
export function credentialDigest(sdJwtOrJwt: string): Uint8Array {
  return hasher(issuerJwtOf(sdJwtOrJwt), 'sha-256');
}
