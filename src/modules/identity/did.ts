import { exportJwk, type Jwk } from '../../crypto/index.js';
import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type At, DID_METHOD, type DidRecord } from './types.js';

const PART_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
const ID_RE = /^gz[0-9a-f]{40}$/;

/** The parts of a `did:gongzhi:<chain>:<group>:<id>` DID. */
export interface DidParts {
  readonly chain: string;
  readonly group: string;
  readonly id: string;
}

/** Build a Gongzhi DID. */
export function formatDid(chain: string, group: string, id: string): string {
  return `did:${DID_METHOD}:${chain}:${group}:${id}`;
}

/** Parse a Gongzhi DID (fragment and query not allowed); IDENTITY_BAD_DID otherwise. */
export function parseDid(did: string): DidParts {
  const p = typeof did === 'string' ? did.split(':') : [];
  const [scheme, method, chain, group, id] = p;
  if (
    p.length !== 5 ||
    scheme !== 'did' ||
    method !== DID_METHOD ||
    chain === undefined ||
    !PART_RE.test(chain) ||
    group === undefined ||
    !PART_RE.test(group) ||
    id === undefined ||
    !ID_RE.test(id)
  ) {
    throw new GongzhiError('IDENTITY_BAD_DID', 'not a did:gongzhi:<chain>:<group>:<id> DID', {
      did: String(did).slice(0, 200),
    });
  }
  return { chain, group, id };
}

/** True for a Gongzhi DID id (the address of the DID's first authentication key). */
export function isDidId(id: string): boolean {
  return ID_RE.test(id);
}

/** JSON view of an `At`. */
export function atJson(a: At): { height: number; timestamp: number; tx: string } {
  return { height: a.height, timestamp: a.timestamp, tx: toHex(a.tx) };
}

/** A verification method of a DID document (JsonWebKey; SM2 uses the non-standard crv "SM2"). */
export interface VerificationMethodJson {
  readonly id: string;
  readonly type: 'JsonWebKey';
  readonly controller: string;
  readonly publicKeyJwk: Jwk;
}

/** W3C DID Core document. */
export interface DidDocumentJson {
  readonly '@context': readonly string[];
  readonly id: string;
  readonly controller?: readonly string[];
  readonly verificationMethod: readonly VerificationMethodJson[];
  readonly authentication: readonly string[];
  readonly assertionMethod: readonly string[];
  readonly service: readonly { id: string; type: string; serviceEndpoint: string }[];
}

/** A key with its lifetime, revoked keys included, for "was this key valid at time T". */
export interface KeyHistoryJson {
  readonly id: string;
  readonly type: string;
  readonly publicKeyJwk: Jwk;
  readonly purposes: readonly string[];
  readonly added: ReturnType<typeof atJson>;
  readonly revoked?: ReturnType<typeof atJson>;
}

/** Result of `identity.resolve` (DID Resolution shape). */
export interface ResolutionJson {
  readonly didDocument: DidDocumentJson;
  readonly didDocumentMetadata: {
    readonly created: ReturnType<typeof atJson>;
    readonly updated: ReturnType<typeof atJson>;
    readonly versionId: string;
    /** Set when an older version was resolved: the version that followed it. */
    readonly nextVersionId?: string;
    readonly deactivated: boolean;
    readonly deactivatedAt?: ReturnType<typeof atJson>;
    readonly createdBy: string;
  };
  readonly keyHistory: readonly KeyHistoryJson[];
}

/** Render a stored record as a DID resolution result. A deactivated DID has no keys or services. */
export function resolutionJson(r: DidRecord): ResolutionJson {
  const controllerDid = (id: string) => formatDid(...(r.did.split(':').slice(2, 4) as [string, string]), id);
  const active = r.deactivated === undefined ? r.keys.filter((k) => k.revoked === undefined) : [];
  const vm = (fragment: string) => `${r.did}#${fragment}`;
  return {
    didDocument: {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
      id: r.did,
      ...(r.controllers.length === 0 ? {} : { controller: r.controllers.map(controllerDid) }),
      verificationMethod: active.map((k) => ({
        id: vm(k.fragment),
        type: 'JsonWebKey',
        controller: r.did,
        publicKeyJwk: exportJwk(k.type, { publicKey: k.publicKey }),
      })),
      authentication: active.filter((k) => k.purposes.includes('authentication')).map((k) => vm(k.fragment)),
      assertionMethod: active
        .filter((k) => k.purposes.includes('assertionMethod'))
        .map((k) => vm(k.fragment)),
      service:
        r.deactivated === undefined
          ? r.services.map((s) => ({ id: vm(s.fragment), type: s.type, serviceEndpoint: s.endpoint }))
          : [],
    },
    didDocumentMetadata: {
      created: atJson(r.created),
      updated: atJson(r.updated),
      versionId: String(r.version),
      deactivated: r.deactivated !== undefined,
      ...(r.deactivated === undefined ? {} : { deactivatedAt: atJson(r.deactivated) }),
      createdBy: r.createdBy,
    },
    keyHistory: r.keys.map((k) => ({
      id: vm(k.fragment),
      type: k.type,
      publicKeyJwk: exportJwk(k.type, { publicKey: k.publicKey }),
      purposes: [...k.purposes],
      added: atJson(k.added),
      ...(k.revoked === undefined ? {} : { revoked: atJson(k.revoked) }),
    })),
  };
}
