import { toHex } from '../encoding/index.js';
import { type ErrorCode, GongzhiError, httpStatusFor, isGongzhiError } from '../errors/index.js';
import { Checks, type VerificationResult as SharedResult, type VerificationCheck } from '../ledger/index.js';
import type { KeyHistoryJson, ResolutionJson } from '../modules/identity/index.js';
import { credentialDigest, issuerJwtOf, schemaOfVct, validateClaims } from './credentials.js';
import { type DidDocument, jwkOfMethod } from './did-methods.js';
import { decodeCompact, jwsVerifyAsync } from './keys.js';
import { deepFreeze, verifySdJwtBound } from './sd-jwt-verify.js';
import {
  ledgerList,
  publishedStatus,
  type StatusOptions,
  statusReferences,
  suspendedOrRevoked,
} from './verify-status.js';

/** Read-only access to one group of a node (a GroupLedger, or a GongzhiClient bound to a group). */
export interface LedgerReader {
  query(module: string, name: string, args: Readonly<Record<string, unknown>>): unknown;
}

/** What the verifier asks for. */
export interface VerifierPolicy {
  /** Claims the holder must disclose. */
  readonly disclose: readonly string[];
  /** Key binding (SD-JWT VC): the nonce and audience the KB-JWT must carry. */
  readonly nonce: string;
  readonly aud: string;
  /** The issuer must be (and have been at issuance) a recognised issuer of this category. */
  readonly category?: string;
  /** Accept only this schema id (any version). */
  readonly schemaId?: number;
  /** Require the credential digest to be anchored in the evidence module. */
  readonly requireAnchor?: boolean;
  /** Verification time, seconds since the epoch. */
  readonly now: number;
  /** Oldest key-binding JWT accepted: its `iat` at most this many seconds before `now` (default 300). */
  readonly kbMaxAge?: number;
  /** Clock skew allowed between holder, issuer and verifier, seconds (default 60). */
  readonly clockSkew?: number;
}

/** Defaults of the time window (RFC 9901 §7.3 leaves the window to the verifier). */
export const KB_MAX_AGE_SECONDS = 300;
export const CLOCK_SKEW_SECONDS = 60;

/** How to reach what is not on this ledger: published status lists, DIDs of other methods. */
export interface VerifyOptions extends StatusOptions {
  /**
   * Resolve an issuer DID of another method (did:key, did:jwk, did:web; see ./did-resolver.ts).
   * Without it only did:gongzhi issuers of this ledger verify.
   */
  readonly resolveDid?: (did: string) => Promise<DidDocument>;
  /**
   * A newer document than `resolveDid` gave, asked once when it has no key for the credential's
   * `kid` (the issuer may have rotated since the document was kept: ./did-web-cache.ts);
   * undefined when there is nothing newer worth fetching.
   */
  readonly refreshDid?: (did: string) => Promise<DidDocument | undefined>;
}

type Resolution = Pick<ResolutionJson, 'keyHistory'> & { didDocumentMetadata: { deactivated: boolean } };

/**
 * A did:key / did:jwk / did:web issuer as key history: its document's assertion keys, with no
 * lifetime (these methods keep no history, so "valid at issuance" is "listed now").
 */
async function externalIssuer(iss: string, opts: VerifyOptions): Promise<Resolution> {
  if (opts.resolveDid === undefined) {
    throw new GongzhiError('IDENTITY_DID_METHOD_UNSUPPORTED', 'no resolver for DIDs of other methods', {
      did: iss.slice(0, 200),
    });
  }
  return keyHistoryOf(iss, await opts.resolveDid(iss));
}

function keyHistoryOf(iss: string, doc: DidDocument): Resolution {
  const rel = (id: string) => (id.startsWith('#') ? `${iss}${id}` : id);
  const always = { height: 0, timestamp: 0, tx: '' };
  const keyHistory: KeyHistoryJson[] = [];
  for (const vm of doc.verificationMethod) {
    const jwk = jwkOfMethod(vm);
    if (jwk === undefined) continue;
    const id = rel(vm.id);
    const purposes = [
      ...(doc.authentication.some((a) => typeof a === 'string' && rel(a) === id) ? ['authentication'] : []),
      ...(doc.assertionMethod.some((a) => typeof a === 'string' && rel(a) === id) ? ['assertionMethod'] : []),
    ];
    keyHistory.push({ id, type: vm.type, publicKeyJwk: jwk, purposes, added: always });
  }
  return { keyHistory, didDocumentMetadata: { deactivated: false } };
}

/** The issuer's key history again from a newer document, when one exists and the kept one lacks `kid`. */
async function afterRotation(
  iss: string,
  kid: string,
  r: Resolution,
  opts: VerifyOptions,
): Promise<Resolution> {
  if (opts.refreshDid === undefined || r.keyHistory.some((k) => k.id === kid)) return r;
  let doc: DidDocument | undefined;
  try {
    doc = await opts.refreshDid(iss);
  } catch {
    // The refetch failed: the credential is refused for the key the kept document lacks.
    return r;
  }
  return doc === undefined ? r : keyHistoryOf(iss, doc);
}

export type CheckName =
  | 'format'
  | 'issuerDid'
  | 'issuerKey'
  | 'signature'
  | 'holderBinding'
  | 'keyBindingTime'
  | 'issuerRecognised'
  | 'schema'
  | 'schemaOwner'
  | 'validity'
  | 'status'
  | 'disclosure'
  | 'anchor';

/** The stable error code of each failed check (validity, keyBindingTime and status have two each). */
export const CHECK_CODES = {
  format: 'IDENTITY_BAD_FORMAT',
  issuerDid: 'IDENTITY_ISSUER_UNRESOLVED',
  issuerKey: 'IDENTITY_KEY_NOT_VALID_AT_ISSUANCE',
  signature: 'IDENTITY_BAD_SIGNATURE',
  holderBinding: 'IDENTITY_BINDING_MISMATCH',
  keyBindingTime: 'IDENTITY_KB_EXPIRED',
  issuerRecognised: 'IDENTITY_NOT_RECOGNISED',
  schema: 'IDENTITY_SCHEMA_MISMATCH',
  schemaOwner: 'IDENTITY_SCHEMA_OWNER_MISMATCH',
  validity: 'IDENTITY_EXPIRED',
  status: 'IDENTITY_REVOKED',
  disclosure: 'IDENTITY_DISCLOSURE_MISSING',
  anchor: 'IDENTITY_NOT_ANCHORED',
} as const satisfies Record<CheckName, ErrorCode>;

/** One check of a presentation: the shared `{name, ok, detail, code?}` (`code` exactly when it failed). */
export type Check = VerificationCheck<CheckName>;

/** What a presentation proved besides its checks. */
export interface CredentialFacts {
  /** `dc+sd-jwt` (SD-JWT VC) or `vc+jwt` (W3C VC-JWT); absent when the format was not recognised. */
  readonly format?: 'dc+sd-jwt' | 'vc+jwt';
  readonly issuer?: string;
  readonly subject?: string;
  readonly vct?: string;
  /** The disclosed claims (without SD-JWT / JWT registered claims). */
  readonly claims: Readonly<Record<string, unknown>>;
}

/**
 * The shared verification shape (src/ledger/verification.ts): `valid`, `checks`, `errors` (the
 * codes of the failed checks, in check order; empty when valid), plus the credential's facts.
 */
export type VerificationResult = SharedResult<CredentialFacts, CheckName>;

const REGISTERED = new Set([
  'iss',
  'sub',
  'iat',
  'exp',
  'nbf',
  'vct',
  'cnf',
  'credentialStatus',
  'status',
  '_sd_alg',
]);

/** System-range schemas (the registrar's shared templates) may be issued against by any issuer. */
const SYSTEM_SCHEMA_MAX = 999;

async function q(
  reader: LedgerReader,
  module: string,
  name: string,
  args: Record<string, unknown>,
): Promise<unknown> {
  return await reader.query(module, name, args);
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A ledger lookup of check `name` that threw: the ledger's own answer (a DID or list not found)
 * fails the check with its code; a lookup that could not be made (node unreachable, 5xx, rate
 * limit) fails it with IDENTITY_LEDGER_UNAVAILABLE — never "revoked" or "not anchored" for what is
 * only a busy node.
 */
function lookupFailed(add: Add, name: CheckName, e: unknown): void {
  const status = isGongzhiError(e) ? httpStatusFor(e.code) : 503;
  const unavailable = status === 429 || status >= 500;
  add(name, false, msg(e), unavailable ? 'IDENTITY_LEDGER_UNAVAILABLE' : CHECK_CODES[name]);
}

/** Key valid at `iat` (seconds; JWT time has second precision): added within or before that second, not revoked before it. */
function validAt(k: KeyHistoryJson, iat: number): boolean {
  const t = iat * 1000 + 999;
  return k.added.timestamp <= t && (k.revoked === undefined || iat * 1000 < k.revoked.timestamp);
}

type Add = (name: CheckName, ok: boolean, detail: string, code?: ErrorCode) => boolean;

/** The parsed credential, whichever its format. */
interface Parsed {
  readonly format: 'dc+sd-jwt' | 'vc+jwt';
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  readonly iss: string;
  readonly kid: string;
  readonly iat: number;
  readonly schemaRef: unknown;
}

/** Decode the issuer-signed JWT and tell the format; undefined (format failed) otherwise. */
/**
 * Issuer JWTs decoded, by their text: every presentation of a credential starts with the same
 * one. Frozen, since the answers are shared; bounded.
 */
const decodedIssuerJwts = new Map<string, Pick<Parsed, 'header' | 'payload'>>();

function decodeIssuerJwt(jwt: string): Pick<Parsed, 'header' | 'payload'> {
  let d = decodedIssuerJwts.get(jwt);
  if (d === undefined) {
    const { header, payload } = decodeCompact(jwt);
    d = deepFreeze({ header, payload });
    if (decodedIssuerJwts.size >= 4096) decodedIssuerJwts.clear();
    decodedIssuerJwts.set(jwt, d);
  }
  return d;
}

function parse(presentation: string, add: Add): Parsed | undefined {
  let header: Readonly<Record<string, unknown>>;
  let payload: Readonly<Record<string, unknown>>;
  try {
    ({ header, payload } = decodeIssuerJwt(issuerJwtOf(presentation)));
  } catch (e) {
    add('format', false, msg(e));
    return undefined;
  }
  const sd = presentation.includes('~');
  const format = sd ? 'dc+sd-jwt' : 'vc+jwt';
  const iss = typeof payload.iss === 'string' ? payload.iss : '';
  const kid = typeof header.kid === 'string' ? header.kid : '';
  const iat = typeof payload.iat === 'number' ? payload.iat : Number.NaN;
  const ok = header.typ === format && kid.startsWith(`${iss}#`) && Number.isFinite(iat) && iss !== '';
  if (!add('format', ok, `typ ${String(header.typ)}, kid ${kid}`)) return undefined;
  const schemaRef = sd ? payload.vct : (payload.credentialSchema as { id?: unknown } | undefined)?.id;
  return { format, header, payload, iss, kid, iat, schemaRef };
}

/**
 * Verify a credential presentation against the ledger alone (read access to one node): an SD-JWT
 * VC presentation (`dc+sd-jwt` with disclosures and a key-binding JWT) or a W3C VC-JWT
 * (`vc+jwt`). Checks the issuer DID and key history, signature, holder binding + nonce + audience
 * + the KB-JWT's `iat` window (SD-JWT VC), issuer recognition at issuance and now, schema and its
 * owner, validity period, every status reference (ledger bits, or the signed published list),
 * requested disclosures, optional anchor. Never throws for a bad credential: each check reports
 * ok/detail and, when failed, its code.
 */
export async function verifyPresentation(
  reader: LedgerReader,
  presentation: string,
  policy: VerifierPolicy,
  opts: VerifyOptions = {},
): Promise<VerificationResult> {
  const checks = new Checks<CheckName>();
  const add: Add = (name, ok, detail, code = CHECK_CODES[name]) => checks.add(name, ok, detail, code);
  const done = (facts: Partial<CredentialFacts> = {}): VerificationResult =>
    checks.result<CredentialFacts>({ claims: {}, ...facts });
  const skew = policy.clockSkew ?? CLOCK_SKEW_SECONDS;

  const p = parse(presentation, add);
  if (p === undefined) return done();
  const { iss, kid, iat, payload } = p;
  const base = {
    format: p.format,
    issuer: iss,
    ...(typeof payload.sub === 'string' ? { subject: payload.sub } : {}),
    ...(p.format === 'dc+sd-jwt' ? { vct: String(payload.vct) } : {}),
  };

  // Issuer DID and the signing key's validity at issuance.
  let resolution: Resolution;
  try {
    resolution = iss.startsWith('did:gongzhi:')
      ? ((await q(reader, 'identity', 'resolve', { did: iss })) as ResolutionJson)
      : await afterRotation(iss, kid, await externalIssuer(iss, opts), opts);
  } catch (e) {
    // A did:web or other external DID failed to fetch: its own code (IDENTITY_DID_WEB_FETCH…).
    if (iss.startsWith('did:gongzhi:')) lookupFailed(add, 'issuerDid', e);
    else add('issuerDid', false, msg(e));
    return done(base);
  }
  add(
    'issuerDid',
    !resolution.didDocumentMetadata.deactivated,
    resolution.didDocumentMetadata.deactivated ? 'deactivated' : 'resolves',
  );
  const key = resolution.keyHistory.find((k) => k.id === kid);
  const keyOk = key === undefined ? false : key.purposes.includes('assertionMethod') && validAt(key, iat);
  add(
    'issuerKey',
    keyOk,
    key === undefined
      ? `no key ${kid}`
      : keyOk
        ? 'assertion key valid at issuance'
        : 'key not valid for assertion at issuance',
  );
  if (key === undefined) return done(base);

  let claims: Record<string, unknown>;
  if (p.format === 'dc+sd-jwt') {
    const c = await sdJwtSignatureAndBinding(presentation, key, p, policy, add, skew);
    if (c === undefined) return done(base);
    claims = c;
  } else {
    const d = decodeCompact(presentation);
    // Off the JS thread, as a presentation's key-binding JWT: a VC-JWT's signature is checked on every call.
    const signed = await jwsVerifyAsync(key.publicKeyJwk, d.input, d.signature);
    if (!add('signature', signed, 'issuer signature (VC-JWT)')) {
      return done(base);
    }
    const subject = (payload.credentialSubject ?? {}) as Record<string, unknown>;
    claims = Object.fromEntries(Object.entries(subject).filter(([k]) => k !== 'id'));
  }

  if (policy.category !== undefined) {
    try {
      const r = (await q(reader, 'identity', 'issuer', {
        did: iss,
        category: policy.category,
        at: iat * 1000 + 999,
      })) as {
        recognised: boolean;
        recognisedAt: boolean;
      };
      add(
        'issuerRecognised',
        r.recognised && r.recognisedAt,
        `now ${r.recognised}, at issuance ${r.recognisedAt}`,
      );
    } catch (e) {
      lookupFailed(add, 'issuerRecognised', e);
    }
  }

  await schemaChecks(reader, p, policy, claims, add);

  const exp = typeof payload.exp === 'number' ? payload.exp : 0;
  const nbf = typeof payload.nbf === 'number' ? payload.nbf : iat;
  const early = Math.max(iat, nbf) > policy.now + skew;
  add(
    'validity',
    !early && policy.now < exp,
    `iat ${iat}, exp ${exp}, now ${policy.now}`,
    early ? 'IDENTITY_NOT_YET_VALID' : 'IDENTITY_EXPIRED',
  );

  for (const ref of statusReferences(payload)) {
    const list = opts.statusVia === 'published' ? undefined : ledgerList(ref, iss);
    if (list === undefined) {
      const o = await publishedStatus(ref, resolution.keyHistory, policy.now, opts);
      add('status', o.ok, o.detail, o.code);
      continue;
    }
    try {
      const r = (await q(reader, 'identity', 'status', { did: iss, list, index: ref.index })) as {
        set: boolean;
        purpose: string;
      };
      add(
        'status',
        !r.set,
        r.set ? `${r.purpose} bit set` : 'status bit clear',
        suspendedOrRevoked(r.purpose),
      );
    } catch (e) {
      lookupFailed(add, 'status', e);
    }
  }

  const missing = policy.disclose.filter((c) => !(c in claims));
  const extra = Object.keys(claims).filter((c) => !policy.disclose.includes(c));
  add(
    'disclosure',
    missing.length === 0,
    missing.length === 0
      ? `disclosed ${Object.keys(claims).join(', ')}${extra.length ? ` (beyond policy: ${extra.join(', ')})` : ''}`
      : `missing ${missing.join(', ')}`,
  );

  if (policy.requireAnchor === true) {
    const digest = toHex(credentialDigest(presentation));
    try {
      const r = (await q(reader, 'evidence', 'get', { digest })) as { signers: { revoked?: unknown }[] };
      add(
        'anchor',
        r.signers.some((s) => s.revoked === undefined),
        `anchored ${digest.slice(0, 16)}…`,
      );
    } catch (e) {
      lookupFailed(add, 'anchor', e);
    }
  }
  return done({ ...base, claims });
}

/**
 * SD-JWT VC: signatures, disclosures and the key-binding JWT (./sd-jwt-verify.ts), then the
 * KB-JWT's audience, nonce and `iat` window. The nonce is not compared there and the issuer JWT's
 * times are checked at issuance, so that a wrong nonce or an expired credential is reported by
 * its own check (holderBinding, validity), not as a bad signature. The disclosed claims, or
 * undefined when the signature failed.
 */
async function sdJwtSignatureAndBinding(
  presentation: string,
  key: KeyHistoryJson,
  p: Parsed,
  policy: VerifierPolicy,
  add: Add,
  skew: number,
): Promise<Record<string, unknown> | undefined> {
  let verified: Awaited<ReturnType<typeof verifySdJwtBound>>;
  try {
    verified = await verifySdJwtBound(presentation, key.publicKeyJwk, p.iat);
    add('signature', true, 'issuer signature and disclosures valid');
  } catch (e) {
    // Signed but malformed (a KB-JWT `iat` that is not a number): the signature step fails as a format error.
    const malformed = e instanceof GongzhiError && e.code === 'IDENTITY_BAD_FORMAT';
    add('signature', false, msg(e), malformed ? 'IDENTITY_BAD_FORMAT' : undefined);
    return undefined;
  }
  const kb = verified.kb?.payload;
  add(
    'holderBinding',
    kb !== undefined && kb.nonce === policy.nonce && kb.aud === policy.aud,
    kb === undefined ? 'no key-binding JWT' : `aud ${kb.aud}`,
  );
  // RFC 9901 §7.3 step 5: the KB-JWT's creation time must be within an acceptable window.
  const kbIat = kb?.iat ?? Number.NaN;
  const maxAge = policy.kbMaxAge ?? KB_MAX_AGE_SECONDS;
  const future = kbIat > policy.now + skew;
  add(
    'keyBindingTime',
    Number.isFinite(kbIat) && !future && kbIat >= policy.now - maxAge - skew,
    `KB-JWT iat ${kbIat}, now ${policy.now}, window ${maxAge} s + ${skew} s skew`,
    future ? 'IDENTITY_KB_NOT_YET_VALID' : 'IDENTITY_KB_EXPIRED',
  );
  return Object.fromEntries(Object.entries(verified.payload).filter(([k]) => !REGISTERED.has(k)));
}

/** The schema named (vct, or credentialSchema.id), the claims against it, and its owner against the issuer. */
async function schemaChecks(
  reader: LedgerReader,
  p: Parsed,
  policy: VerifierPolicy,
  claims: Record<string, unknown>,
  add: Add,
): Promise<void> {
  const sref = schemaOfVct(p.schemaRef);
  if (sref === undefined || (policy.schemaId !== undefined && policy.schemaId !== sref.schemaId)) {
    add('schema', false, `unexpected schema ${String(p.schemaRef)}`);
    return;
  }
  let s: { schema: Record<string, unknown>; issuer: string };
  try {
    s = (await q(reader, 'identity', 'schema', sref)) as typeof s;
    // Disclosed claims must match the schema; undisclosed required claims are not held against the holder.
    validateClaims(s.schema, claims, p.format !== 'vc+jwt');
    add('schema', true, `schema ${sref.schemaId} v${sref.version}`);
  } catch (e) {
    lookupFailed(add, 'schema', e);
    return;
  }
  add(
    'schemaOwner',
    s.issuer === p.iss || sref.schemaId <= SYSTEM_SCHEMA_MAX,
    s.issuer === p.iss ? 'the issuer owns the schema' : `schema owned by ${s.issuer}`,
  );
}
