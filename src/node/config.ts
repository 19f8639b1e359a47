import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { decryptKeystore, readKeystoreFile } from '../crypto/index.js';
import { GongzhiError } from '../errors/index.js';
import type { Genesis } from '../ledger/index.js';
import type { IdentityNodeOptions } from './identity-options.js';
import type { NetworkOptions } from './network-options.js';

/** The JSON file a node starts from. Relative paths are relative to the file. */
export interface NodeConfigFile {
  readonly nodeId: string;
  readonly org: string;
  readonly dataDir: string;
  readonly nodeKeystore: string;
  readonly genesis: readonly string[];
  readonly api: { readonly host: string; readonly port: number };
  readonly mempoolLimit?: number;
  readonly verifyWorkers?: number;
  /** Solo orderer: cut at once when idle (default true); false waits blockIntervalMs to batch. */
  readonly cutWhenIdle?: boolean;
  /** Present: order through the consortium's NATS JetStream cluster (TLS paths relative to this file). */
  readonly network?: NetworkOptions;
  /** Identity services open to outsiders (./identity-options.ts); keystores and the CA path relative to this file. */
  readonly identity?: Omit<IdentityNodeOptions, 'statusSigners' | 'ca'> & {
    readonly statusSigners?: readonly { did: string; fragment: string; keystore: string }[];
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
  const base = dirname(abs);
  const ks = await decryptKeystore(await readKeystoreFile(resolve(base, file.nodeKeystore)), password);
  const net = file.network;
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
  const { statusSigners, ca, ...rest } = sec;
  const signers = [];
  for (const s of statusSigners ?? []) {
    const ks = await readKeystoreFile(resolve(base, s.keystore));
    const kp = await decryptKeystore(ks, password);
    signers.push({
      did: s.did,
      fragment: s.fragment,
      type: ks.suite,
      secretKey: kp.secretKey,
      publicKey: kp.publicKey,
    });
  }
  let caText: string | undefined;
  if (ca !== undefined) {
    try {
      caText = readFileSync(resolve(base, ca), 'utf8');
    } catch (e) {
      throw new GongzhiError('CONFIG_INVALID', `cannot read identity.ca ${ca}: ${(e as Error).message}`);
    }
  }
  return { ...rest, statusSigners: signers, ...(caText === undefined ? {} : { ca: caText }) };
}
