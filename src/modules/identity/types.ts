import type { SuiteId } from '../../crypto/index.js';

/** Module name, also the state key prefix. */
export const MODULE = 'identity';

/** DID method name: `did:gongzhi:<chain>:<group>:<id>`. */
export const DID_METHOD = 'gongzhi';

/** Issuer categories the committee recognises issuers in. */
export const ISSUER_CATEGORIES = [
  'health-authority',
  'identity-bureau',
  'university',
  'hospital',
  'government',
] as const;
export type IssuerCategory = (typeof ISSUER_CATEGORIES)[number];

/** Verification relationships a key may be listed under. */
export const KEY_PURPOSES = ['authentication', 'assertionMethod'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

/** Status purposes of a Bitstring Status List. */
export const STATUS_PURPOSES = ['revocation', 'suspension'] as const;
export type StatusPurpose = (typeof STATUS_PURPOSES)[number];

/** Governance role that may recognise / de-recognise issuers (granted by committee vote). */
export const REGISTRAR_ROLE = 'identity-registrar';
/** Governance role of user agents that may create DIDs on a subject's behalf (with her consent). */
export const AGENT_ROLE = 'identity-agent';

/**
 * Credential schema (CPT) id ranges, after WeIdentity: 1..999 system (registrar only),
 * 1000..1_999_999 authority (currently recognised issuers only), 2_000_000.. open to anyone.
 */
export const SCHEMA_RANGES = {
  system: { min: 1, max: 999 },
  authority: { min: 1000, max: 1_999_999 },
  open: { min: 2_000_000, max: 0xffff_ffff },
} as const;

/** Limits. */
export const LIMITS = {
  keys: 16,
  services: 16,
  controllers: 8,
  fragment: 64,
  serviceType: 64,
  serviceEndpoint: 512,
  schemaBytes: 16 * 1024,
  schemaName: 128,
  reason: 256,
  statusIndexesPerTx: 256,
  /** Bitstring Status List minimum size (herd privacy). */
  statusMinBits: 131_072,
  statusMaxBits: 1 << 20,
} as const;

/** Bits per stored status chunk (absent chunk = all zero). */
export const STATUS_CHUNK_BITS = 8192;

/** When something happened: block height, block timestamp (ms), transaction hash. */
export interface At {
  readonly height: number;
  readonly timestamp: number;
  readonly tx: Uint8Array;
}

/** One verification method, kept after revocation so key validity over time can be checked. */
export interface DidKey {
  readonly fragment: string;
  readonly type: SuiteId;
  readonly publicKey: Uint8Array;
  readonly purposes: readonly KeyPurpose[];
  readonly added: At;
  readonly revoked?: At;
}

export interface DidService {
  readonly fragment: string;
  readonly type: string;
  readonly endpoint: string;
}

/** A DID record as stored under `identity/did/<id>` (and per version under `identity/didv/<id>/<n>`). */
export interface DidRecord {
  readonly id: string;
  readonly did: string;
  readonly version: number;
  readonly keys: readonly DidKey[];
  readonly controllers: readonly string[];
  readonly services: readonly DidService[];
  readonly createdBy: string;
  readonly created: At;
  readonly updated: At;
  readonly deactivated?: At;
}

/** One recognition period of an issuer in a category. */
export interface IssuerPeriod {
  readonly from: At;
  readonly by: string;
  readonly until?: At & { readonly by: string; readonly reason: string };
}

export interface SchemaRecord {
  readonly schemaId: number;
  readonly version: number;
  readonly issuer: string;
  readonly name: string;
  readonly schema: string;
  readonly digest: Uint8Array;
  readonly registered: At;
}

export interface StatusListRecord {
  readonly issuer: string;
  readonly list: string;
  readonly purpose: StatusPurpose;
  readonly size: number;
  readonly created: At;
  readonly updates: number;
}
