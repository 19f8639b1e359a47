import { toHex } from '../encoding/index.js';
import type { ErrorCode } from '../errors/index.js';
import { Checks, type VerificationResult as SharedResult, type VerificationCheck } from '../ledger/index.js';
import type { KeyHistoryJson, ResolutionJson } from '../modules/identity/index.js';
import {
  credentialDigest,
  issuerJwtOf,
  schemaOfVct,
  validateClaims,
  verifySdJwtSignatures,
} from './credentials.js';
import { decodeCompact } from './keys.js';

/** Read-only access to one group of a node (a GroupLedger, or a GongzhiClient bound to a group). */
export interface LedgerReader {
  query(module: string, name: string, args: Readonly<Record<string, unknown>>): unknown;
}

/** What the verifier asks for. */
export interface VerifierPolicy {
  /** Claims the holder must disclose. */
  readonly disclose: readonly string[];
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
}

export type CheckName =
  | 'format'
  | 'issuerDid'
  | 'issuerKey'
  | 'signature'
  | 'holderBinding'
  | 'issuerRecognised'
  | 'schema'
  | 'validity'
  | 'status'
  | 'disclosure'
  | 'anchor';

/** The stable error code of each failed check (validity and status have two each). */
export const CHECK_CODES = {
  format: 'IDENTITY_BAD_FORMAT',
  issuerDid: 'IDENTITY_ISSUER_UNRESOLVED',
  issuerKey: 'IDENTITY_KEY_NOT_VALID_AT_ISSUANCE',
  signature: 'IDENTITY_BAD_SIGNATURE',
  holderBinding: 'IDENTITY_BINDING_MISMATCH',
  issuerRecognised: 'IDENTITY_NOT_RECOGNISED',
  schema: 'IDENTITY_SCHEMA_MISMATCH',
  validity: 'IDENTITY_EXPIRED',
  status: 'IDENTITY_REVOKED',
  disclosure: 'IDENTITY_DISCLOSURE_MISSING',
  anchor: 'IDENTITY_NOT_ANCHORED',
} as const satisfies Record<CheckName, ErrorCode>;

/** One check of a presentation: the shared `{name, ok, detail, code?}` (`code` exactly when it failed). */
export type Check = VerificationCheck<CheckName>;

/** What a presentation proved besides its checks. */
export interface CredentialFacts {
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

/** Key valid at `iat` (seconds; JWT time has second precision): added within or before that second, not revoked before it. */
function validAt(k: KeyHistoryJson, iat: number): boolean {
  const t = iat * 1000 + 999;
  return k.added.timestamp <= t && (k.revoked === undefined || iat * 1000 < k.revoked.timestamp);
}

/**
 * Verify an SD-JWT VC presentation against the ledger alone (read access to one node): issuer DID
 * and key history, signature, holder binding + nonce + audience, issuer recognition at issuance
 * and now, schema, validity period, status bit, requested disclosures, optional anchor.
 * Never throws for a bad credential: each check reports ok/detail.
 */
export async function verifyPresentation(
  reader: LedgerReader,
  presentation: string,
  policy: VerifierPolicy,
): Promise<VerificationResult> {
  const checks = new Checks<CheckName>();
  const add = (name: CheckName, ok: boolean, detail: string, code: ErrorCode = CHECK_CODES[name]) =>
    checks.add(name, ok, detail, code);
  const done = (facts: Partial<CredentialFacts> = {}): VerificationResult =>
    checks.result<CredentialFacts>({ claims: {}, ...facts });

  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    ({ header, payload } = decodeCompact(issuerJwtOf(presentation)));
  } catch (e) {
    add('format', false, msg(e));
    return done();
  }
  const iss = typeof payload.iss === 'string' ? payload.iss : '';
  const kid = typeof header.kid === 'string' ? header.kid : '';
  const iat = typeof payload.iat === 'number' ? payload.iat : Number.NaN;
  if (
    !add(
      'format',
      header.typ === 'dc+sd-jwt' && kid.startsWith(`${iss}#`) && Number.isFinite(iat),
      `typ ${String(header.typ)}, kid ${kid}`,
    )
  ) {
    return done();
  }
  const base = {
    issuer: iss,
    ...(typeof payload.sub === 'string' ? { subject: payload.sub } : {}),
    vct: String(payload.vct),
  };

  // Issuer DID and the signing key's validity at issuance.
  let resolution: ResolutionJson;
  try {
    resolution = (await q(reader, 'identity', 'resolve', { did: iss })) as ResolutionJson;
  } catch (e) {
    add('issuerDid', false, msg(e));
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

  // Signatures, disclosures and the key-binding JWT via the SD-JWT library. The library is given
  // the presentation's own nonce and the issuance time so that a wrong nonce or an expired
  // credential is reported by its own check (holderBinding, validity), not as a bad signature.
  const kbPart = presentation.slice(presentation.lastIndexOf('~') + 1);
  let kbNonce = policy.nonce;
  if (kbPart !== '') {
    try {
      const n = decodeCompact(kbPart).payload.nonce;
      if (typeof n === 'string' && n !== '') kbNonce = n;
    } catch {
      // The library rejects the malformed key-binding JWT below.
    }
  }
  let verified: Awaited<ReturnType<typeof verifySdJwtSignatures>>;
  try {
    verified = await verifySdJwtSignatures(presentation, key.publicKeyJwk, { nonce: kbNonce, now: iat });
    add('signature', true, 'issuer signature and disclosures valid');
  } catch (e) {
    add('signature', false, msg(e));
    return done(base);
  }
  const kb = verified.kb?.payload ?? {};
  add('holderBinding', kb.nonce === policy.nonce && kb.aud === policy.aud, `aud ${String(kb.aud)}`);

  const claims = Object.fromEntries(Object.entries(verified.payload).filter(([k]) => !REGISTERED.has(k)));

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
      add('issuerRecognised', false, msg(e));
    }
  }

  const sref = schemaOfVct(payload.vct);
  if (sref === undefined || (policy.schemaId !== undefined && policy.schemaId !== sref.schemaId)) {
    add('schema', false, `unexpected vct ${String(payload.vct)}`);
  } else {
    try {
      const s = (await q(reader, 'identity', 'schema', sref)) as { schema: Record<string, unknown> };
      // Disclosed claims must match the schema; undisclosed required claims are not held against the holder.
      validateClaims({ ...s.schema, required: [] }, claims);
      add('schema', true, `schema ${sref.schemaId} v${sref.version}`);
    } catch (e) {
      add('schema', false, msg(e));
    }
  }

  const exp = typeof payload.exp === 'number' ? payload.exp : 0;
  const nbf = typeof payload.nbf === 'number' ? payload.nbf : iat;
  const early = Math.max(iat, nbf) > policy.now + 60;
  add(
    'validity',
    !early && policy.now < exp,
    `iat ${iat}, exp ${exp}, now ${policy.now}`,
    early ? 'IDENTITY_NOT_YET_VALID' : 'IDENTITY_EXPIRED',
  );

  const st = payload.credentialStatus as
    | { statusListCredential?: string; statusListIndex?: string }
    | undefined;
  if (st !== undefined) {
    const list = st.statusListCredential?.startsWith(`${iss}/status/`)
      ? st.statusListCredential.slice(iss.length + 8)
      : '';
    try {
      const r = (await q(reader, 'identity', 'status', {
        did: iss,
        list,
        index: Number(st.statusListIndex),
      })) as {
        set: boolean;
        purpose: string;
      };
      add(
        'status',
        !r.set,
        r.set ? `${r.purpose} bit set` : 'status bit clear',
        r.purpose === 'suspension' ? 'IDENTITY_SUSPENDED' : 'IDENTITY_REVOKED',
      );
    } catch (e) {
      add('status', false, msg(e));
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
      add('anchor', false, msg(e));
    }
  }
  return done({ ...base, claims });
}
