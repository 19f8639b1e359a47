import { gunzipSync } from 'node:zlib';
import { exportJwk } from '../crypto/index.js';
import { fromBase64Url } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { formatDid, type ResolutionJson } from '../modules/identity/index.js';
import type { StatusSigner } from '../node/index.js';
import { bitstringStatusListCredential, type StatusTimes, statusListToken } from './status.js';
import type { LedgerReader } from './verify.js';

/**
 * Publishes a ledger status list in its two signed forms (./status.ts) with a key of the issuer
 * that the node holds. A signed list is kept until its `ttl` runs out or the list changes: the
 * cache key holds the list's update count and the issuer's DID version, so a set bit or a
 * revoked signing key is visible at the next fetch.
 */

export const DEFAULT_STATUS_TTL_SECONDS = 300;
export const DEFAULT_STATUS_VALIDITY_SECONDS = 86_400;

export interface PublisherOptions {
  readonly signers: readonly StatusSigner[];
  readonly ttlSeconds?: number;
  readonly validitySeconds?: number;
  /** Seconds since the epoch (the node's clock; publishing is outside execution). */
  readonly now?: () => number;
}

/** Which list, in which form, under which URL. */
export interface PublishRequest {
  readonly chain: string;
  readonly group: string;
  readonly issuerId: string;
  readonly list: string;
  readonly form: 'token' | 'bitstring';
  /** The URL the credentials name (the token's `sub`, the credential's `id`). */
  readonly uri: string;
}

export interface Published {
  readonly jwt: string;
  readonly times: StatusTimes;
}

const MAX_CACHED = 1024;

export class StatusPublisher {
  private readonly cache = new Map<string, Published>();
  private readonly ttl: number;
  private readonly validity: number;
  private readonly now: () => number;

  constructor(private readonly opts: PublisherOptions) {
    this.ttl = opts.ttlSeconds ?? DEFAULT_STATUS_TTL_SECONDS;
    this.validity = opts.validitySeconds ?? DEFAULT_STATUS_VALIDITY_SECONDS;
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** The signed list: IDENTITY_STATUS_LIST_NOT_FOUND, IDENTITY_STATUS_SIGNER_MISSING, IDENTITY_NOT_FOUND. */
  async publish(reader: LedgerReader, req: PublishRequest): Promise<Published> {
    const did = formatDid(req.chain, req.group, req.issuerId);
    const head = (await reader.query('identity', 'status', { did, list: req.list, index: '0' })) as {
      purpose: 'revocation' | 'suspension';
      updates: number;
    };
    const signer = this.opts.signers.find((s) => s.did === did);
    if (signer === undefined) {
      throw new GongzhiError(
        'IDENTITY_STATUS_SIGNER_MISSING',
        'this node holds no status-list key of the issuer',
        {
          did,
        },
      );
    }
    const res = (await reader.query('identity', 'resolve', { did })) as ResolutionJson;
    const kid = `${did}#${signer.fragment}`;
    const jwk = exportJwk(signer.type, { publicKey: signer.publicKey });
    const listed = res.didDocument.verificationMethod.some(
      (vm) => vm.id === kid && vm.publicKeyJwk.x === jwk.x,
    );
    if (!listed || !res.didDocument.assertionMethod.includes(kid)) {
      throw new GongzhiError(
        'IDENTITY_STATUS_SIGNER_MISSING',
        'the node’s status-list key is not an assertion key of the issuer’s DID (add it, or it was revoked)',
        { kid },
      );
    }
    const key = `${req.form}|${req.uri}|${head.updates}|${res.didDocumentMetadata.versionId}`;
    const now = this.now();
    const hit = this.cache.get(key);
    if (hit !== undefined && now < hit.times.iat + hit.times.ttl) return hit;

    const whole = (await reader.query('identity', 'statusList', { did, list: req.list })) as {
      encodedList: string;
    };
    const bits = new Uint8Array(gunzipSync(fromBase64Url(whole.encodedList.slice(1))));
    const times = { iat: now, exp: now + this.validity, ttl: this.ttl };
    const src = {
      issuer: did,
      key: { type: signer.type, secretKey: signer.secretKey, publicKey: signer.publicKey, kid },
      uri: req.uri,
      purpose: head.purpose,
      bits,
      times,
    };
    const out = {
      jwt: req.form === 'token' ? statusListToken(src) : bitstringStatusListCredential(src),
      times,
    };
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(key, out);
    return out;
  }
}
