import type { SuiteId } from '../crypto/index.js';

/**
 * What a node needs to open its identity services to the world (node config `identity`): the
 * URL outsiders reach it at, the issuers' status-list keys it signs published lists with, and the
 * hosts it may fetch from (did:web documents, other nodes' status lists). Nothing here reaches
 * execution: it is read by the API routes only.
 */
export interface IdentityNodeOptions {
  /** Base URL of this node as outsiders reach it (status list `uri`s, OpenAPI links). */
  readonly publicUrl?: string;
  /**
   * Keys this node signs an issuer's published status lists with. Each must be an
   * `assertionMethod` of the issuer's DID (the issuer adds it with `identity.addKey`), so any
   * verifier checks the lists with the issuer's DID document alone.
   */
  readonly statusSigners?: readonly StatusSigner[];
  /** Seconds a published list may be cached (`ttl`, default 300). */
  readonly statusTtlSeconds?: number;
  /** Seconds a published list stays valid (`exp` − `iat`, default 86 400). */
  readonly statusValiditySeconds?: number;
  /** Hosts (`host` or `host:port`) this node may fetch did:web documents and status lists from; none by default. */
  readonly allowHosts?: readonly string[];
  /**
   * Longest a fetched did:web document is kept, seconds (default 300; 0 keeps none). Within it a
   * document is kept as long as its HTTP response allows (Cache-Control max-age, no-store,
   * no-cache, Expires), and refetched once at most every 30 s for a key it lacks.
   */
  readonly didWebMaxAgeSeconds?: number;
  /** Extra CA certificates (PEM) trusted for those fetches (a private PKI, or a test's self-signed cert). */
  readonly ca?: string;
  /** Verify route defaults: oldest KB-JWT accepted (s, default 300) and clock skew (s, default 60). */
  readonly kbMaxAge?: number;
  readonly clockSkew?: number;
  /**
   * Keys this node issues credentials with over OpenID4VCI: each an `assertionMethod` of the
   * issuer's DID, as for status signers (the credential's `kid` is `<did>#<fragment>`).
   */
  readonly credentialSigners?: readonly StatusSigner[];
  /** The credentials this node offers over OpenID4VCI (`credential_configurations_supported`). */
  readonly credentialConfigurations?: readonly CredentialConfiguration[];
  /**
   * Keys this node signs OpenID4VP Request Objects with for a verifier DID
   * (`client_id = decentralized_identifier:<did>`): each a key of that DID's document.
   */
  readonly verifierSigners?: readonly StatusSigner[];
  /** X.509 chains this node signs Request Objects with (`client_id = x509_san_dns:<a dNSName of the leaf>`). */
  readonly verifierCertificates?: readonly VerifierCertificate[];
}

/** A verifier's X.509 certificate chain and the leaf's private key, both PEM. */
export interface VerifierCertificate {
  /** Leaf first, then intermediates (the wallet holds the root). */
  readonly chain: string;
  /** PKCS#8 or SEC1 PEM of the leaf's key (P-256 or Ed25519). */
  readonly key: string;
}

/** One credential a node issues over OpenID4VCI: an issuer's schema, as an SD-JWT VC. */
export interface CredentialConfiguration {
  /** The `credential_configuration_id` wallets ask for. */
  readonly id: string;
  /** The issuer (`did:gongzhi:<chain>:<group>:<id>`); a `credentialSigners` entry must hold its key. */
  readonly did: string;
  readonly schemaId: number;
  readonly version: number;
  /** Claims the holder may disclose selectively (default: all). */
  readonly selective?: readonly string[];
  /** Seconds the credential is valid (default one year). */
  readonly validitySeconds?: number;
  /** Name shown by wallets (default: the schema's name). */
  readonly name?: string;
}

/** A status-list signing key of an issuer DID. */
export interface StatusSigner {
  /** The issuer's DID (`did:gongzhi:<chain>:<group>:<id>`). */
  readonly did: string;
  /** Fragment of the key in the issuer's DID document (`status-1` → `<did>#status-1`). */
  readonly fragment: string;
  readonly type: SuiteId;
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}
