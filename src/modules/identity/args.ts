import { isSuiteId, SUITE_IDS, type SuiteId } from '../../crypto/index.js';
import { GongzhiError } from '../../errors/index.js';
import { S } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import { isDidId } from './did.js';
import {
  type DidService,
  ISSUER_CATEGORIES,
  type IssuerCategory,
  KEY_PURPOSES,
  type KeyPurpose,
  LIMITS,
  STATUS_PURPOSES,
  type StatusPurpose,
} from './types.js';

/**
 * The identity module's argument readers (EXEC_BAD_ARGS, or IDENTITY_BAD_DID for a malformed DID
 * id) and the JSON Schemas of the same arguments. The messages are part of failed receipts (and
 * so of receipt roots): they stay as they have always been worded.
 */

/** Fragments of keys and services (`#key-1`). */
export const FRAGMENT_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;
/** Status list names. */
export const LIST_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
const SERVICE_TYPE_RE = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;
const ENDPOINT_RE = /^(https|http|did|urn):[^\s]{1,500}$/;

/** EXEC_BAD_ARGS with the module's own wording. */
export function bad(message: string, details: Readonly<Record<string, string | number>> = {}): never {
  throw new GongzhiError('EXEC_BAD_ARGS', message, details);
}

/** A DID id (`gz` + 40 hex), IDENTITY_BAD_DID otherwise. */
export function readId(r: ShapeReader, field = 'id'): string {
  const id = r.str(field, 42);
  if (!isDidId(id)) {
    throw new GongzhiError('IDENTITY_BAD_DID', `${field} must be a DID id gz<40 hex>`, { field });
  }
  return id;
}

export function readFragment(r: ShapeReader, field = 'fragment'): string {
  const f = r.str(field, LIMITS.fragment);
  if (!FRAGMENT_RE.test(f)) bad(`${field} must match [a-zA-Z0-9][a-zA-Z0-9._-]*`, { field });
  return f;
}

export function readListName(r: ShapeReader): string {
  const l = r.str('list', 64);
  if (!LIST_RE.test(l)) bad('list must match [a-z0-9][a-z0-9-]*', { field: 'list' });
  return l;
}

export function readCategory(r: ShapeReader): IssuerCategory {
  const c = r.str('category', 32);
  const category = ISSUER_CATEGORIES.find((x) => x === c);
  if (category === undefined) {
    bad(`category must be one of ${ISSUER_CATEGORIES.join(', ')}`, { field: 'category' });
  }
  return category;
}

export function readStatusPurpose(r: ShapeReader): StatusPurpose {
  const p = r.str('purpose', 16);
  const purpose = STATUS_PURPOSES.find((x) => x === p);
  if (purpose === undefined) bad('purpose must be revocation or suspension');
  return purpose;
}

/** The optional `keyType` (a suite id), undefined when absent. */
export function readKeyType(r: ShapeReader): SuiteId | undefined {
  if (!r.has('keyType')) return undefined;
  const t = r.str('keyType', 16);
  if (!isSuiteId(t)) bad('keyType must be ed25519, secp256k1 or sm2', { field: 'keyType' });
  return t;
}

/** A public key argument (the largest key, uncompressed secp256k1/SM2, is 65 bytes). */
export function readPublicKey(r: ShapeReader): Uint8Array {
  return r.bytes('publicKey', undefined, 65);
}

/** `purposes`: distinct verification relationships, not empty; `dflt` when absent. */
export function readPurposes(r: ShapeReader, dflt: readonly KeyPurpose[]): KeyPurpose[] {
  if (!r.has('purposes')) return [...dflt];
  const out: KeyPurpose[] = [];
  for (const p of r.array('purposes', KEY_PURPOSES.length)) {
    const purpose = KEY_PURPOSES.find((x) => x === p);
    if (purpose === undefined || out.includes(purpose)) {
      bad('purposes must be distinct of authentication, assertionMethod', { field: 'purposes' });
    }
    out.push(purpose);
  }
  if (out.length === 0) bad('purposes must not be empty', { field: 'purposes' });
  return out;
}

/** `services`: at most LIMITS.services, distinct fragments, a type name and a URI endpoint each. */
export function readServices(r: ShapeReader): DidService[] {
  const v = r.raw('services');
  if (!Array.isArray(v) || v.length > LIMITS.services) bad(`services: at most ${LIMITS.services}`);
  const out: DidService[] = [];
  for (const s of v) {
    const sr = r.sub(s, 'service', ['fragment', 'type', 'endpoint']);
    const fragment = readFragment(sr);
    const type = sr.str('type', LIMITS.serviceType);
    const endpoint = sr.str('endpoint', LIMITS.serviceEndpoint);
    if (!SERVICE_TYPE_RE.test(type)) bad('service type must be a name', { field: 'type' });
    if (!ENDPOINT_RE.test(endpoint))
      bad('service endpoint must be an https/http/did/urn URI', { field: 'endpoint' });
    if (out.some((x) => x.fragment === fragment)) bad('service fragments must be distinct');
    out.push({ fragment, type, endpoint });
  }
  return out;
}

/** `controllers`: at most LIMITS.controllers distinct DID ids, never `self`. */
export function readControllers(r: ShapeReader, self?: string): string[] {
  const v = r.raw('controllers');
  if (!Array.isArray(v) || v.length > LIMITS.controllers) bad(`controllers: at most ${LIMITS.controllers}`);
  const out: string[] = [];
  for (const c of v) {
    if (typeof c !== 'string' || !isDidId(c) || out.includes(c) || c === self) {
      bad('controllers must be distinct DID ids of other DIDs', { field: 'controllers' });
    }
    out.push(c);
  }
  return out;
}

/** JSON Schemas shared by the methods' argument schemas (bytes as lower-case hex). */
export const schemas = {
  id: S.String({ pattern: '^gz[0-9a-f]{40}$', description: 'DID id: gz + 40 hex (the DID’s last part)' }),
  fragment: S.String({ pattern: FRAGMENT_RE.source, description: 'fragment, e.g. key-1' }),
  publicKey: S.String({ pattern: '^([0-9a-f]{2}){1,65}$', description: 'public key, hex (≤ 65 bytes)' }),
  keyType: S.Union(
    SUITE_IDS.map((s) => S.Literal(s)),
    { description: 'key type (default: the chain’s suite)' },
  ),
  purposes: S.Array(S.Union(KEY_PURPOSES.map((p) => S.Literal(p))), {
    minItems: 1,
    maxItems: KEY_PURPOSES.length,
    uniqueItems: true,
    description: 'verification relationships of the key',
  }),
  services: S.Array(
    S.Object(
      {
        fragment: S.String({ pattern: FRAGMENT_RE.source }),
        type: S.String({ pattern: SERVICE_TYPE_RE.source, description: 'service type name' }),
        endpoint: S.String({
          maxLength: LIMITS.serviceEndpoint,
          pattern: ENDPOINT_RE.source,
          description: 'https, http, did or urn URI',
        }),
      },
      { additionalProperties: false },
    ),
    { maxItems: LIMITS.services, description: 'the DID document’s services (distinct fragments)' },
  ),
  controllers: S.Array(S.String({ pattern: '^gz[0-9a-f]{40}$' }), {
    maxItems: LIMITS.controllers,
    uniqueItems: true,
    description: 'DID ids of the controller DIDs',
  }),
  category: S.Union(
    ISSUER_CATEGORIES.map((c) => S.Literal(c)),
    { description: 'issuer category' },
  ),
  list: S.String({ pattern: LIST_RE.source, description: 'status list name' }),
};
