import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GongzhiError } from '../errors/index.js';

/** One NATS server of the network, as recorded in `network.json` (paths relative to the network dir). */
export interface NetworkServer {
  /** Server name, `n1`…`nN`. */
  readonly name: string;
  readonly host: string;
  /** Client port (TLS, user/password). */
  readonly clientPort: number;
  /** Cluster route port (mutual TLS between the servers). */
  readonly clusterPort: number;
  /** HTTP monitoring port (plain HTTP, loopback only): /healthz, /varz, /jsz. */
  readonly monitorPort: number;
  /** Client URL, `tls://host:port`. */
  readonly url: string;
  readonly config: string;
  readonly storeDir: string;
  readonly cert: string;
  readonly key: string;
}

/** One organisation's node, as recorded in `network.json`. */
export interface NetworkNode {
  readonly org: string;
  readonly nodeId: string;
  /** Node config (relative to the network dir). */
  readonly config: string;
  readonly apiHost: string;
  readonly apiPort: number;
  readonly apiUrl: string;
  readonly groups: readonly string[];
  /** NATS user of this organisation. */
  readonly natsUser: string;
}

/** `network.json`: what `network up/down/status` work from. Holds no secrets. */
export interface NetworkFile {
  readonly version: 1;
  readonly chain: string;
  readonly suite: string;
  readonly created: string;
  /** The consortium CA certificate (relative to the network dir). */
  readonly ca: string;
  readonly replicas: number;
  readonly groups: readonly { readonly id: string; readonly orgs: readonly string[] }[];
  readonly servers: readonly NetworkServer[];
  readonly nodes: readonly NetworkNode[];
  /** Operator credentials file (full NATS rights; used by `network up` to create the streams). */
  readonly operator: string;
}

/** Where things live inside a network directory. */
export const LAYOUT = {
  networkFile: 'network.json',
  tlsDir: 'tls',
  caKey: 'tls/ca.key',
  caCert: 'tls/ca.pem',
  natsDir: 'nats',
  operatorFile: 'nats/operator.json',
  logsDir: 'logs',
  runDir: 'run',
  pidFile: 'run/pids.json',
} as const;

/** Operator credentials (`nats/operator.json`, mode 0600). */
export interface OperatorCredentials {
  readonly user: string;
  readonly pass: string;
}

function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new GongzhiError('CONFIG_INVALID', `cannot read ${what} ${path}: ${(e as Error).message}`, {
      path,
    });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new GongzhiError('CONFIG_INVALID', `${path} is not valid JSON: ${(e as Error).message}`, { path });
  }
}

/** Read `<dir>/network.json` (written by `network init`). */
export function readNetwork(dir: string): NetworkFile {
  const path = join(resolve(dir), LAYOUT.networkFile);
  const v = readJsonFile(path, 'the network description') as Partial<NetworkFile>;
  if (v.version !== 1 || !Array.isArray(v.servers) || !Array.isArray(v.nodes)) {
    throw new GongzhiError('CONFIG_INVALID', `${path} is not a network description written by network init`, {
      path,
    });
  }
  return v as NetworkFile;
}

/** Read the operator credentials of a network. */
export function readOperator(dir: string, net: NetworkFile): OperatorCredentials {
  const path = resolve(dir, net.operator);
  const v = readJsonFile(path, 'the operator credentials') as Partial<OperatorCredentials>;
  if (typeof v.user !== 'string' || typeof v.pass !== 'string') {
    throw new GongzhiError('CONFIG_INVALID', `${path} must hold {user, pass}`, { path });
  }
  return { user: v.user, pass: v.pass };
}
