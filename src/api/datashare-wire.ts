/**
 * What the two sides of a datashare delivery exchange (off the ledger): the signed request, the
 * SM2 chains' second step (S_A), the response headers, and where an owner node keeps versions.
 * The owner's side is ./datashare-serve.ts, the grantee's ./datashare-delivery.ts.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { CryptoSuite } from '../crypto/index.js';
import { encodeCanonical, fromHex } from '../encoding/index.js';
import type { DeliveryJson } from '../modules/datashare/index.js';
import type { DeliveryCipher, SealContext } from './datashare-seal.js';

/** What the grantee signs (canonical CBOR, hashed with the suite's hash). */
export const FETCH_TYPE = 'gongzhi.datashare.fetch';

/** The signed request the grantee sends to the owner's node. */
export interface FetchRequest {
  readonly delivery: number;
  /** The grantee account's public key (hex). */
  readonly publicKey: string;
  /** The grantee's fresh ephemeral public key (hex): X25519 (32 bytes) or an SM2 point (33 bytes). */
  readonly ephemeral: string;
  /** Signature (hex) over H(CBOR {type, group, delivery, ephemeral}). */
  readonly sig: string;
}

/**
 * The owner node's answer to a FetchRequest on an SM2 chain (POST …/datashare/agree): R_B and S_B
 * of the key exchange, the node, and a session to fetch with once the grantee has sent S_A.
 */
export interface AgreeAnswer {
  readonly session: string;
  readonly cipher: DeliveryCipher;
  /** R_B (hex). */
  readonly ephemeral: string;
  readonly node: string;
  readonly nodeKey: string;
  /** S_B (hex). */
  readonly confirm: string;
}

/** The grantee's second message on an SM2 chain (POST …/datashare/fetch): S_A for the session. */
export interface ConfirmRequest {
  readonly delivery: number;
  readonly session: string;
  /** S_A (hex). */
  readonly confirm: string;
}

/** Headers of a delivery response (the body is the ciphertext, then the tag for AES-GCM). */
export interface SealHeaders {
  readonly cipher: DeliveryCipher;
  /** The owner node's fresh ephemeral public key (hex). */
  readonly ephemeral: string;
  /** IV (hex). */
  readonly iv: string;
  /** The serving node's id and public key (hex), as in the genesis. */
  readonly node: string;
  readonly nodeKey: string;
  /** S_B of the SM2 key exchange, or the node's signature over the X25519 transcript (hex). */
  readonly confirm: string;
}

/** The response headers that carry `SealHeaders`. */
export function sealHeaderFields(h: SealHeaders): Record<string, string> {
  return {
    'x-gongzhi-cipher': h.cipher,
    'x-gongzhi-ephemeral': h.ephemeral,
    'x-gongzhi-iv': h.iv,
    'x-gongzhi-node': h.node,
    'x-gongzhi-node-key': h.nodeKey,
    'x-gongzhi-confirm': h.confirm,
  };
}

/** The AES-GCM associated data: what the ciphertext is of. */
export const aad = (group: string, d: DeliveryJson): Uint8Array =>
  encodeCanonical({
    group,
    delivery: d.id,
    dataset: d.dataset,
    version: d.version,
    digest: fromHex(d.digest),
  });

/** What both sides bind the key agreement to. */
export const sealContext = (group: string, d: DeliveryJson): SealContext => ({
  group,
  delivery: d.id,
  tx: fromHex(d.tx),
});

/** The message the grantee signs. */
export function fetchMessage(
  suite: CryptoSuite,
  group: string,
  delivery: number,
  ephemeral: Uint8Array,
): Uint8Array {
  return suite.hash(encodeCanonical({ type: FETCH_TYPE, group, delivery, ephemeral }));
}

/** Where a node keeps the versions its department publishes: `<dataDir>/datashare/<group>/<dataset>/<version>`. */
export function storePath(dataDir: string, group: string, dataset: string, version: number): string {
  return join(dataDir, 'datashare', group, dataset, String(version));
}

/** Place a version's bytes in a node's store (the owner does this when it publishes the version). */
export function placeVersion(
  dataDir: string,
  group: string,
  dataset: string,
  version: number,
  bytes: Uint8Array,
): string {
  const p = storePath(dataDir, group, dataset, version);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, bytes);
  return p;
}

/** The suite hash of a file, streamed. */
export async function fileDigest(suite: CryptoSuite, path: string): Promise<Uint8Array> {
  const h = createHash(suite.hashName);
  await pipeline(createReadStream(path), h);
  return new Uint8Array(h.digest());
}
