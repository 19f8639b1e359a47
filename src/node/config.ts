import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { decryptKeystore, readKeystoreFile } from '../crypto/index.js';
import { GongzhiError } from '../errors/index.js';
import type { Genesis } from '../ledger/index.js';
import { checkStoreCacheMb } from '../storage/index.js';
import { parseCorsOrigins } from './cors-config.js';
import { type HealthThresholds, resolveHealthThresholds } from './health.js';
import type { IdentityNodeOptions } from './identity-options.js';
import type { NetworkOptions } from './network-options.js';
import { readNetworkSection } from './network-section.js';

/**
 * What one client, or all together, may hold of the API: every limit that keeps an unauthenticated
 * request from stalling the node. All integers; each has a default (DEFAULT_API_LIMITS), set any of
 * them under `api.limits` in the node config.
 */
export interface ApiLimits {
  /** Largest body of every route but the batch route, bytes. */
  readonly bodyBytes: number;
  /**
   * Ceiling on a batch body, bytes. The chain parameters lower it further: no body is accepted
   * beyond what 10,000 transactions of `maxTxBytes` need in base64url.
   */
  readonly batchBodyBytes: number;
  /** Bytes of batch bodies being received at once, over all clients; beyond it API_BUSY (503). */
  readonly batchBytesInFlight: number;
  /** A client must send its request headers within this long (ms), or the socket is closed. */
  readonly headersTimeoutMs: number;
  /** A client must send its whole request (headers and body) within this long (ms). */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long (ms). */
  readonly keepAliveTimeoutMs: number;
  /** Most open connections; the next one is closed at once. */
  readonly maxConnections: number;
  /** Requests per second each client address may make on average (0: no limit). */
  readonly ratePerSecond: number;
  /** Requests a client may make in a burst above its rate. */
  readonly rateBurst: number;
  /** Most event-stream subscribers at once (all groups); beyond it API_TOO_MANY_STREAMS (503). */
  readonly maxStreams: number;
  /** Output queued for one event-stream subscriber that does not read; beyond it, it is dropped. */
  readonly streamQueueBytes: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = {
  bodyBytes: 1024 * 1024,
  batchBodyBytes: 16 * 1024 * 1024,
  batchBytesInFlight: 64 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1024,
  ratePerSecond: 500,
  rateBurst: 2000,
  maxStreams: 256,
  streamQueueBytes: 4 * 1024 * 1024,
};

/** Limits that may be 0 (off); the others must be positive. */
const ZERO_ALLOWED: ReadonlySet<keyof ApiLimits> = new Set(['ratePerSecond']);

/** The defaults with `given` over them; CONFIG_INVALID names a field that is unknown or not an integer. */
export function resolveApiLimits(given: unknown = {}, path = '(options)'): ApiLimits {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new GongzhiError('CONFIG_INVALID', 'api.limits must be an object', { path });
  }
  const out: { -readonly [K in keyof ApiLimits]?: number } = {};
  for (const [k, v] of Object.entries(given)) {
    if (!(k in DEFAULT_API_LIMITS)) {
      throw new GongzhiError('CONFIG_INVALID', `api.limits.${k} is not a known limit`, {
        path,
        known: Object.keys(DEFAULT_API_LIMITS).join(', '),
      });
    }
    const name = k as keyof ApiLimits;
    const min = ZERO_ALLOWED.has(name) ? 0 : 1;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      throw new GongzhiError('CONFIG_INVALID', `api.limits.${k} must be an integer ≥ ${min}`, { path });
    }
    out[name] = v;
  }
  return { ...DEFAULT_API_LIMITS, ...out };
}

/** The JSON file a node starts from. Relative paths are relative to the file. */
export interface NodeConfigFile {
  readonly nodeId: string;
  readonly org: string;
  readonly dataDir: string;
  readonly nodeKeystore: string;
  readonly genesis: readonly string[];
  readonly api: {
    readonly host: string;
    readonly port: number;
    readonly limits?: Partial<ApiLimits>;
    /** Web origins whose pages may call the API (CORS, ./cors-config.ts); none by default. */
    readonly corsOrigins?: readonly string[];
  };
  readonly mempoolLimit?: number;
  /** Most transactions of one sender pending at once (default 1000). */
  readonly mempoolSenderLimit?: number;
  readonly verifyWorkers?: number;
  /**
   * Cut early when idle: the solo orderer cuts at once (default true); a network node posts the cut
   * marker once the stream is quiet (JetStreamOrderer `cutWhenIdle`, default true); false
   * waits blockIntervalMs.
   */
  readonly cutWhenIdle?: boolean;
  /** Present: order through the consortium's NATS JetStream cluster (TLS paths relative to this file). */
  readonly network?: NetworkOptions;
  /** When GET /health calls a group degraded (./health.ts, DEFAULT_HEALTH_THRESHOLDS). */
  readonly health?: Partial<HealthThresholds>;
  /** The group files: `cacheMb`, SQLite's page cache per file in MiB (default DEFAULT_STORE_CACHE_MB). */
  readonly storage?: { readonly cacheMb?: number };
  /** Log level (pino: trace … fatal); `--log-level` overrides it. Default info. */
  readonly logLevel?: string;
  /**
   * `auto` (default): lines for people on a terminal, JSON lines otherwise; `json` or `pretty`
   * force one. `--log-format` overrides it.
   */
  readonly logFormat?: 'auto' | 'json' | 'pretty';
  /** Identity services open to outsiders (./identity-options.ts); keystores and the CA path relative to this file. */
  readonly identity?: Omit<
    IdentityNodeOptions,
    'statusSigners' | 'credentialSigners' | 'verifierSigners' | 'verifierCertificates' | 'ca'
  > & {
    readonly statusSigners?: readonly { did: string; fragment: string; keystore: string }[];
    /** OpenID4VCI issuing keys, as status signers (each a keystore with the node's password). */
    readonly credentialSigners?: readonly { did: string; fragment: string; keystore: string }[];
    /** OpenID4VP request-signing keys of verifier DIDs, as status signers. */
    readonly verifierSigners?: readonly { did: string; fragment: string; keystore: string }[];
    /** OpenID4VP request-signing X.509 chains: PEM files (the key may be encrypted with the node's password). */
    readonly verifierCertificates?: readonly { chain: string; key: string }[];
    readonly ca?: string;
  };
}

/** A loaded config: genesis documents parsed, node key decrypted, paths absolute. */
export interface LoadedConfig {
  readonly file: NodeConfigFile;
  readonly path: string;
  readonly dataDir: string;
  readonly genesis: Genesis[];
  readonly nodeSecretKey: Uint8Array;
  /** The network section with absolute TLS paths, if the node orders over NATS. */
  readonly network?: NetworkOptions;
  /** `api.limits` over the defaults. */
  readonly apiLimits: ApiLimits;
  /** `api.corsOrigins`, validated (empty: no cross-origin access). */
  readonly corsOrigins: readonly string[];
  /** `health` over the defaults. */
  readonly health: HealthThresholds;
  /** The identity section with its signing keys decrypted (same password) and the CA read. */
  readonly identity?: IdentityNodeOptions;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new GongzhiError('CONFIG_INVALID', `cannot read ${path}: ${(e as Error).message}`, { path });
  }
}

/** The `storage` section, checked field by field: CONFIG_INVALID names what is wrong. */
function readStorageSection(sec: unknown, path: string): void {
  if (sec === undefined) return;
  if (typeof sec !== 'object' || sec === null || Array.isArray(sec)) {
    throw new GongzhiError('CONFIG_INVALID', 'config field storage must be an object', { path });
  }
  for (const [k, v] of Object.entries(sec)) {
    if (k !== 'cacheMb') {
      throw new GongzhiError('CONFIG_INVALID', `storage.${k} is not a known setting`, {
        path,
        known: 'cacheMb',
      });
    }
    checkStoreCacheMb(v, 'storage.cacheMb', path);
  }
}

/** Load a node config; the keystore password comes from the caller (flag or GONGZHI_PASSWORD). */
export async function loadNodeConfig(path: string, password: string): Promise<LoadedConfig> {
  const abs = resolve(path);
  const file = readJson(abs) as NodeConfigFile;
  for (const k of ['nodeId', 'org', 'dataDir', 'nodeKeystore'] as const) {
    if (typeof file[k] !== 'string')
      throw new GongzhiError('CONFIG_INVALID', `config field ${k} is required`, { path });
  }
  if (!Array.isArray(file.genesis) || file.genesis.length === 0) {
    throw new GongzhiError('CONFIG_INVALID', 'config field genesis must list genesis files', { path });
  }
  const apiLimits = resolveApiLimits(file.api?.limits ?? {}, abs);
  const corsOrigins = parseCorsOrigins(file.api?.corsOrigins, abs);
  const health = resolveHealthThresholds(file.health ?? {}, abs);
  const sl = file.mempoolSenderLimit;
  if (sl !== undefined && (typeof sl !== 'number' || !Number.isSafeInteger(sl) || sl < 1)) {
    throw new GongzhiError('CONFIG_INVALID', 'config field mempoolSenderLimit must be an integer ≥ 1', {
      path,
    });
  }
  readStorageSection(file.storage, abs);
  const base = dirname(abs);
  const ks = await decryptKeystore(await readKeystoreFile(resolve(base, file.nodeKeystore)), password);
  const net = file.network === undefined ? undefined : readNetworkSection(file.network, abs);
  const network: NetworkOptions | undefined = net
    ? {
        ...net,
        ...(net.tls
          ? {
              tls: {
                ca: resolve(base, net.tls.ca),
                ...(net.tls.cert ? { cert: resolve(base, net.tls.cert) } : {}),
                ...(net.tls.key ? { key: resolve(base, net.tls.key) } : {}),
              },
            }
          : {}),
      }
    : undefined;
  const identity =
    file.identity === undefined ? undefined : await loadIdentity(file.identity, base, password);
  return {
    ...(network ? { network } : {}),
    ...(identity ? { identity } : {}),
    file,
    path: abs,
    apiLimits,
    corsOrigins,
    health,
    dataDir: resolve(base, file.dataDir),
    genesis: file.genesis.map((g) => readJson(resolve(base, g)) as Genesis),
    nodeSecretKey: ks.secretKey,
  };
}

/** The identity section: each status signer's keystore decrypted with the node's password. */
async function loadIdentity(
  sec: NonNullable<NodeConfigFile['identity']>,
  base: string,
  password: string,
): Promise<IdentityNodeOptions> {
  const { statusSigners, credentialSigners, verifierSigners, verifierCertificates, ca, ...rest } = sec;
  const load = async (list: readonly { did: string; fragment: string; keystore: string }[] = []) => {
    const out = [];
    for (const s of list) {
      const ks = await readKeystoreFile(resolve(base, s.keystore));
      const kp = await decryptKeystore(ks, password);
      out.push({
        did: s.did,
        fragment: s.fragment,
        type: ks.suite,
        secretKey: kp.secretKey,
        publicKey: kp.publicKey,
      });
    }
    return out;
  };
  const signers = await load(statusSigners);
  const issuing = await load(credentialSigners);
  const verifying = await load(verifierSigners);
  const readPem = (what: string, path: string) => {
    try {
      return readFileSync(resolve(base, path), 'utf8');
    } catch (e) {
      throw new GongzhiError('CONFIG_INVALID', `cannot read ${what} ${path}: ${(e as Error).message}`);
    }
  };
  const certificates = (verifierCertificates ?? []).map((c) => {
    const pem = readPem('identity.verifierCertificates key', c.key);
    let key = pem;
    // An encrypted PEM is decrypted with the node's password; a plain one is taken as it is.
    if (pem.includes('ENCRYPTED')) {
      try {
        key = createPrivateKey({ key: pem, passphrase: password })
          .export({ format: 'pem', type: 'pkcs8' })
          .toString();
      } catch (e) {
        throw new GongzhiError('CONFIG_INVALID', `cannot decrypt ${c.key}: ${(e as Error).message}`);
      }
    }
    return { chain: readPem('identity.verifierCertificates chain', c.chain), key };
  });
  let caText: string | undefined;
  if (ca !== undefined) {
    try {
      caText = readFileSync(resolve(base, ca), 'utf8');
    } catch (e) {
      throw new GongzhiError('CONFIG_INVALID', `cannot read identity.ca ${ca}: ${(e as Error).message}`);
    }
  }
  return {
    ...rest,
    statusSigners: signers,
    ...(issuing.length === 0 ? {} : { credentialSigners: issuing }),
    ...(verifying.length === 0 ? {} : { verifierSigners: verifying }),
    ...(certificates.length === 0 ? {} : { verifierCertificates: certificates }),
    ...(caText === undefined ? {} : { ca: caText }),
  };
}
