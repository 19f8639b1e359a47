import { type ErrorCode, GongzhiError, isGongzhiError } from '../errors/index.js';
import type { ResolutionJson } from '../modules/identity/index.js';
import {
  DID_V1,
  type DidDocument,
  didJwkDocument,
  didKeyDocument,
  type FetchPolicy,
  JWS_2020_V1,
  resolveDidWeb,
} from './did-methods.js';
import type { LedgerReader } from './verify.js';

/**
 * DID resolution and DID URL dereferencing per W3C DID Core 1.0 §7 and the DID Resolution spec
 * (W3C CCG v0.3, the shape the Universal Resolver serves at `/1.0/identifiers/{did}`): a result
 * `{didDocument, didResolutionMetadata {contentType, error?}, didDocumentMetadata {created,
 * updated (XML dateTime), versionId, nextVersionId, deactivated}}`, errors by their standard
 * names with the matching HTTP status, `versionId` / `versionTime` honoured or refused, and
 * `#fragment` dereferenced to the verification method or service.
 */

/** Standard error names (DID Core 1.0 §7.1.2, DID Resolution v0.3 §"Errors"). */
export type DidErrorName =
  | 'invalidDid'
  | 'invalidDidUrl'
  | 'notFound'
  | 'methodNotSupported'
  | 'representationNotSupported'
  | 'internalError';

/** HTTP status of each error (DID Resolution v0.3 §"HTTP(S) Binding"). */
export const DID_ERROR_STATUS: Readonly<Record<DidErrorName, number>> = {
  invalidDid: 400,
  invalidDidUrl: 400,
  notFound: 404,
  representationNotSupported: 406,
  methodNotSupported: 501,
  internalError: 500,
};

/** Media types. */
export const DID_LD_JSON = 'application/did+ld+json';
export const DID_JSON = 'application/did+json';
export const RESOLUTION_MEDIA = 'application/ld+json;profile="https://w3id.org/did-resolution"';

export interface DidDocumentMetadata {
  readonly created?: string;
  readonly updated?: string;
  readonly versionId?: string;
  readonly nextVersionId?: string;
  readonly deactivated?: boolean;
}

export interface DidResolutionMetadata {
  readonly contentType?: string;
  readonly error?: DidErrorName;
  /** This project's code for the error (one code table), and what went wrong. */
  readonly code?: ErrorCode;
  readonly detail?: string;
}

export interface DidResolutionResult {
  readonly '@context': 'https://w3id.org/did-resolution/v1';
  readonly didDocument: DidDocument | null;
  readonly didResolutionMetadata: DidResolutionMetadata;
  readonly didDocumentMetadata: DidDocumentMetadata;
}

/** Result of dereferencing a DID URL with a fragment. */
export interface DereferencingResult {
  readonly '@context': 'https://w3id.org/did-resolution/v1';
  readonly dereferencingMetadata: DidResolutionMetadata;
  readonly contentStream: Record<string, unknown> | null;
  readonly contentMetadata: DidDocumentMetadata;
}

/** Where DIDs are resolved from. */
export interface ResolverEnv extends FetchPolicy {
  /** The reader of a did:gongzhi group served here, or undefined. */
  readonly gongzhi: (chain: string, group: string) => LedgerReader | undefined;
  /** Where did:web documents come from (a node gives its DidWebCache); fetched each time without it. */
  readonly didWeb?: (did: string) => Promise<DidDocument>;
}

/** Resolution options (DID Core §7.1.1 and the DID parameters of §3.2.1). */
export interface ResolveOptions {
  readonly versionId?: string;
  /** XML dateTime, e.g. `2026-01-01T00:00:00Z`. */
  readonly versionTime?: string;
}

/** A parsed DID URL. */
export interface DidUrl {
  readonly did: string;
  readonly method: string;
  readonly params: URLSearchParams;
  readonly fragment?: string;
}

// DID Core §3.1 ABNF: did = "did:" method-name ":" method-specific-id; no path support here.
const DID_RE =
  /^did:([a-z0-9]+):((?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*(?::(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*)*)$/;

/** Parse a DID URL (DID, optional `?query`, optional `#fragment`); IDENTITY_BAD_DID otherwise. */
export function parseDidUrl(input: string): DidUrl {
  const hash = input.indexOf('#');
  const beforeHash = hash < 0 ? input : input.slice(0, hash);
  const fragment = hash < 0 ? undefined : input.slice(hash + 1);
  const qm = beforeHash.indexOf('?');
  const did = qm < 0 ? beforeHash : beforeHash.slice(0, qm);
  const m = DID_RE.exec(did);
  if (m === null || (m[2] ?? '') === '' || did.endsWith(':')) {
    throw new GongzhiError('IDENTITY_BAD_DID', 'not a DID (did:<method>:<method-specific-id>)', {
      did: did.slice(0, 200),
    });
  }
  if (fragment !== undefined && !/^(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*$/.test(fragment)) {
    throw new GongzhiError('IDENTITY_BAD_DID', 'malformed DID URL fragment');
  }
  return {
    did,
    method: m[1] as string,
    params: new URLSearchParams(qm < 0 ? '' : beforeHash.slice(qm + 1)),
    ...(fragment === undefined ? {} : { fragment }),
  };
}

/** A block timestamp (ms) as DID Core's XML dateTime: UTC, no sub-second precision. */
export function xmlDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.[0-9]{3}Z$/, 'Z');
}

/** The W3C document of a did:gongzhi resolution: `JsonWebKey2020` under the JWS 2020 context. */
export function gongzhiDocument(r: ResolutionJson): DidDocument {
  const d = r.didDocument;
  return {
    '@context': [DID_V1, JWS_2020_V1],
    id: d.id,
    ...(d.controller === undefined ? {} : { controller: d.controller }),
    verificationMethod: d.verificationMethod.map((vm) => ({
      id: vm.id,
      type: 'JsonWebKey2020',
      controller: vm.controller,
      publicKeyJwk: vm.publicKeyJwk,
    })),
    authentication: d.authentication,
    assertionMethod: d.assertionMethod,
    ...(d.service.length === 0 ? {} : { service: d.service }),
  };
}

/** What the resolver answers: the HTTP status and the body. */
export interface Resolved {
  readonly status: number;
  readonly result: DidResolutionResult;
}

const CTX = 'https://w3id.org/did-resolution/v1' as const;

function errorResult(name: DidErrorName, e: unknown): Resolved {
  const code = isGongzhiError(e) ? e.code : 'EXEC_INTERNAL';
  return {
    status: DID_ERROR_STATUS[name],
    result: {
      '@context': CTX,
      didDocument: null,
      didResolutionMetadata: { error: name, code, detail: e instanceof Error ? e.message : String(e) },
      didDocumentMetadata: {},
    },
  };
}

/** The standard error name of a GongzhiError met while resolving. */
function errorName(code: string): DidErrorName {
  switch (code) {
    case 'IDENTITY_BAD_DID':
    case 'EXEC_BAD_ARGS':
      return 'invalidDid';
    case 'IDENTITY_NOT_FOUND':
    case 'IDENTITY_VERSION_NOT_FOUND':
    case 'IDENTITY_DID_URL_NOT_FOUND':
    case 'IDENTITY_DID_WEB_FETCH':
      return 'notFound';
    case 'IDENTITY_DID_METHOD_UNSUPPORTED':
    // Resolving did:web for a host not on the allow-list is something this resolver does not do.
    case 'IDENTITY_DID_WEB_HOST_NOT_ALLOWED':
      return 'methodNotSupported';
    default:
      return 'internalError';
  }
}

/** `versionTime` as block time (ms): the end of the second named, since `updated` is shown without sub-seconds. */
function versionTimeMs(v: string): number {
  const t =
    /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$/.test(v)
      ? Date.parse(v)
      : Number.NaN;
  if (!Number.isFinite(t) || t < 0) {
    throw new GongzhiError('IDENTITY_BAD_DID', 'versionTime must be an XML dateTime (2026-01-01T00:00:00Z)');
  }
  return Math.floor(t / 1000) * 1000 + 999;
}

/** Resolve a DID (no fragment) with options; never throws. */
export async function resolveDid(
  did: string,
  env: ResolverEnv,
  opts: ResolveOptions = {},
): Promise<Resolved> {
  try {
    const u = parseDidUrl(did);
    const versionId = opts.versionId ?? u.params.get('versionId') ?? undefined;
    const versionTime = opts.versionTime ?? u.params.get('versionTime') ?? undefined;
    if (versionId !== undefined && versionTime !== undefined) {
      throw new GongzhiError('IDENTITY_BAD_DID', 'give versionId or versionTime, not both');
    }
    if (versionId !== undefined && !/^[1-9][0-9]{0,9}$/.test(versionId)) {
      throw new GongzhiError('IDENTITY_VERSION_NOT_FOUND', 'no such versionId', {
        versionId: versionId.slice(0, 20),
      });
    }
    const atMs = versionTime === undefined ? undefined : versionTimeMs(versionTime);
    const ok = (didDocument: DidDocument, meta: DidDocumentMetadata): Resolved => ({
      status: meta.deactivated === true ? 410 : 200,
      result: {
        '@context': CTX,
        didDocument,
        didResolutionMetadata: { contentType: DID_LD_JSON },
        didDocumentMetadata: meta,
      },
    });
    switch (u.method) {
      case 'gongzhi': {
        const [, , chain = '', group = ''] = u.did.split(':');
        const reader = env.gongzhi(chain, group);
        if (reader === undefined) {
          throw new GongzhiError('IDENTITY_NOT_FOUND', 'this node does not serve the DID’s chain and group', {
            chain,
            group,
          });
        }
        const r = (await reader.query('identity', 'resolve', {
          did: u.did,
          ...(versionId === undefined ? {} : { versionId }),
          ...(atMs === undefined ? {} : { versionTime: String(atMs) }),
        })) as ResolutionJson;
        const m = r.didDocumentMetadata;
        return ok(gongzhiDocument(r), {
          created: xmlDateTime(m.created.timestamp),
          updated: xmlDateTime(m.updated.timestamp),
          versionId: m.versionId,
          ...(m.nextVersionId === undefined ? {} : { nextVersionId: m.nextVersionId }),
          deactivated: m.deactivated,
        });
      }
      case 'key':
      case 'jwk': {
        // One eternal version: versionTime changes nothing; any versionId but the one is refused.
        if (versionId !== undefined && versionId !== '1') {
          throw new GongzhiError('IDENTITY_VERSION_NOT_FOUND', `did:${u.method} has a single version, 1`);
        }
        return ok(u.method === 'key' ? didKeyDocument(u.did) : didJwkDocument(u.did), { deactivated: false });
      }
      case 'web': {
        if (versionId !== undefined || versionTime !== undefined) {
          throw new GongzhiError('IDENTITY_VERSION_NOT_FOUND', 'did:web keeps no version history');
        }
        const doc = env.didWeb === undefined ? await resolveDidWeb(u.did, env) : await env.didWeb(u.did);
        return ok(doc, {});
      }
      default:
        throw new GongzhiError('IDENTITY_DID_METHOD_UNSUPPORTED', `did:${u.method} is not resolved here`, {
          method: u.method,
        });
    }
  } catch (e) {
    return errorResult(isGongzhiError(e) ? errorName(e.code) : 'internalError', e);
  }
}

/** Dereference `<did>#<fragment>` to the verification method or service it names; never throws. */
export async function dereferenceDidUrl(
  didUrl: string,
  env: ResolverEnv,
  opts: ResolveOptions = {},
): Promise<{ status: number; result: DereferencingResult }> {
  const hash = didUrl.indexOf('#');
  const fragment = hash < 0 ? '' : didUrl.slice(hash + 1);
  const res = await resolveDid(hash < 0 ? didUrl : didUrl.slice(0, hash), env, opts);
  const doc = res.result.didDocument;
  const fail = (status: number, meta: DidResolutionMetadata) => ({
    status,
    result: {
      '@context': CTX,
      dereferencingMetadata: meta,
      contentStream: null,
      contentMetadata: res.result.didDocumentMetadata,
    },
  });
  if (doc === null) return fail(res.status, res.result.didResolutionMetadata);
  const id = `${doc.id}#${fragment}`;
  // A relative `#frag` id in a fetched document names the same thing.
  const match = (x: { id: string }) => x.id === id || x.id === `#${fragment}`;
  const found: Record<string, unknown> | undefined =
    (doc.verificationMethod.find(match) as Record<string, unknown> | undefined) ??
    (doc.service?.find(match) as Record<string, unknown> | undefined);
  if (found === undefined) {
    return fail(404, {
      error: 'notFound',
      code: 'IDENTITY_DID_URL_NOT_FOUND',
      detail: `no verification method or service #${fragment}`,
    });
  }
  return {
    status: 200,
    result: {
      '@context': CTX,
      dereferencingMetadata: { contentType: DID_LD_JSON },
      contentStream: { '@context': doc['@context'], ...found },
      contentMetadata: res.result.didDocumentMetadata,
    },
  };
}
