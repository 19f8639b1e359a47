import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { GongzhiError } from '../errors/index.js';
import { loadNodeConfig } from '../node/config.js';
import { connectNats } from '../node/nats-connect.js';
import { ensureOrderingStream, ensureStream, streamNames } from '../ordering/index.js';
import { LAYOUT, type NetworkFile, readNetwork, readOperator } from './layout.js';
import {
  isAlive,
  isRunning,
  type PidEntry,
  type PidFile,
  portFree,
  readPids,
  removePids,
  sleep,
  spawnDetached,
  tail,
  terminate,
  writePids,
} from './processes.js';

export interface UpOptions {
  /** nats-server binary (default: $GONGZHI_NATS_SERVER, else `nats-server` on the PATH). */
  readonly natsServer?: string;
  /** Keystore password of the nodes (passed to them as GONGZHI_PASSWORD). */
  readonly password?: string;
  /** The built CLI entry the nodes run (default: dist/cli/main.js next to this module). */
  readonly cli?: string;
  /** Node log level (default info). */
  readonly logLevel?: string;
  /** How long to wait for servers, streams and nodes (default 60 s each). */
  readonly timeoutMs?: number;
  readonly onProgress?: (message: string) => void;
  /**
   * The network namespace a server (`nats`, by name) or node (`node`, by org) runs in, or
   * undefined for this one: it is started under `ip netns exec`, and its ports are not checked
   * here (they are another namespace's). For the tests' multi-site networks (src/testing).
   */
  readonly namespaceOf?: (kind: 'nats' | 'node', name: string) => string | undefined;
}

/** `command args` as run in `ns` (`ip netns exec` keeps the pid: it execs the command). */
function inNamespace(ns: string | undefined, command: string, args: readonly string[]): [string, string[]] {
  return ns === undefined ? [command, [...args]] : ['ip', ['netns', 'exec', ns, command, ...args]];
}

export interface UpResult {
  readonly servers: { name: string; url: string; pid: number; started: boolean }[];
  readonly nodes: { org: string; url: string; pid: number; started: boolean }[];
}

/** Stream settings the nodes use by default (NetworkOptions.duplicateWindowMs / maxAgeMs unset). */
const ORDERING_DUPLICATE_WINDOW_MS = 600_000;
/** The signature stream's duplicate window, as the finality tracker creates it. */
const SIGNATURE_DUPLICATE_WINDOW_NS = 120_000_000_000;

/** The nats-server binary, checked; a missing one is a clear error naming the Debian package. */
export function natsServerBinary(explicit?: string): string {
  const bin = explicit ?? process.env.GONGZHI_NATS_SERVER ?? 'nats-server';
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new GongzhiError(
      'ORDERING_UNAVAILABLE',
      `cannot run ${bin}: install the Debian package \`nats-server\` (apt-get install nats-server) ` +
        'or point --nats-server / GONGZHI_NATS_SERVER at the binary',
      { binary: bin, reason: r.error?.message ?? r.stderr.trim() },
    );
  }
  return bin;
}

/** True when a NATS server completes a TLS + operator login (a bare TCP probe would log TLS errors). */
async function accepts(url: string, op: { user: string; pass: string }, ca: string): Promise<boolean> {
  try {
    const nc = await connect({
      servers: [url],
      user: op.user,
      pass: op.pass,
      tls: { ca },
      name: 'gongzhi-network-up',
      reconnect: false,
      ignoreClusterUpdates: true,
      timeout: 2000,
    });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

/** The default CLI entry: dist/cli/main.js (this module is dist/network/up.js once built). */
export function defaultCliPath(): string {
  return fileURLToPath(new URL('../cli/main.js', import.meta.url));
}

function emptyPids(): PidFile {
  return { nats: [], nodes: [] };
}

function record(dir: string, pids: PidFile, list: 'nats' | 'nodes', e: PidEntry): void {
  const i = pids[list].findIndex((x) => x.name === e.name);
  if (i >= 0) pids[list].splice(i, 1, e);
  else pids[list].push(e);
  writePids(dir, pids);
}

/**
 * Start every NATS server of the network that is not already running (detached, log in
 * `logs/nats-<name>.log`, PID in `run/pids.json`) and wait until each accepts connections.
 */
export async function startNatsServers(dir: string, o: UpOptions = {}): Promise<UpResult['servers']> {
  const root = resolve(dir);
  const net = readNetwork(root);
  const bin = natsServerBinary(o.natsServer);
  const pids = readPids(root) ?? emptyPids();
  const out: UpResult['servers'] = [];
  const started: PidEntry[] = [];
  for (const s of net.servers) {
    const prev = pids.nats.find((e) => e.name === s.name);
    if (prev && isRunning(prev)) {
      out.push({ name: s.name, url: s.url, pid: prev.pid, started: false });
      continue;
    }
    const ns = o.namespaceOf?.('nats', s.name);
    for (const port of ns === undefined ? [s.clientPort, s.clusterPort, s.monitorPort] : []) {
      if (!(await portFree(s.host, port))) {
        throw new GongzhiError(
          'CONFIG_INVALID',
          `port ${s.host}:${port} of NATS server ${s.name} is in use (another network running? ` +
            '`gongzhi network down` stops the one recorded in its directory)',
          { server: s.name, port },
        );
      }
    }
    const config = join(root, s.config);
    const log = `${LAYOUT.logsDir}/nats-${s.name}.log`;
    // The server needs no keystore password: keep it out of its environment.
    const { GONGZHI_PASSWORD: _pw, ...natsEnv } = process.env;
    const pid = spawnDetached(...inNamespace(ns, bin, ['-c', config]), {
      cwd: join(root, LAYOUT.natsDir),
      log: join(root, log),
      env: natsEnv,
    });
    const e: PidEntry = { name: s.name, pid, match: config, log, started: new Date().toISOString() };
    record(root, pids, 'nats', e);
    started.push(e);
    out.push({ name: s.name, url: s.url, pid, started: true });
    o.onProgress?.(`nats-server ${s.name} (pid ${pid}) on ${s.url}`);
  }
  const timeout = o.timeoutMs ?? 60_000;
  const op = readOperator(root, net);
  const ca = readFileSync(join(root, net.ca), 'utf8');
  await Promise.all(
    started.map(async (e) => {
      const s = net.servers.find((x) => x.name === e.name) as NetworkFile['servers'][number];
      const t0 = Date.now();
      while (!(await accepts(s.url, op, ca))) {
        if (!isAlive(e.pid)) {
          throw new GongzhiError(
            'ORDERING_UNAVAILABLE',
            `nats-server ${s.name} exited during start; ${e.log}:\n${tail(join(root, e.log))}`,
            { server: s.name },
          );
        }
        if (Date.now() - t0 > timeout)
          throw new GongzhiError('ORDERING_UNAVAILABLE', `nats-server ${s.name} did not accept connections`, {
            server: s.name,
          });
        await sleep(100);
      }
    }),
  );
  return out;
}

/**
 * Create every group's ordering and signature streams with the operator's credentials (the
 * organisations' users may only look streams up, not create them). Waits for JetStream's meta
 * leader; streams that exist are left as they are.
 */
export async function createStreams(dir: string, o: UpOptions = {}): Promise<string[]> {
  const root = resolve(dir);
  const net = readNetwork(root);
  const op = readOperator(root, net);
  const nc = await connectNats({
    servers: net.servers.map((s) => s.url),
    user: op.user,
    pass: op.pass,
    tls: { ca: join(root, net.ca) },
  });
  const wait = o.timeoutMs ?? 60_000;
  const made: string[] = [];
  try {
    for (const g of net.groups) {
      const n = streamNames(g.id);
      await ensureOrderingStream(nc, g.id, {
        replicas: net.replicas,
        duplicateWindowMs: ORDERING_DUPLICATE_WINDOW_MS,
        maxAgeMs: 0,
      });
      await ensureStream(
        nc,
        {
          name: n.sigStream,
          subjects: [n.sigSubject],
          num_replicas: net.replicas,
          storage: StorageType.File,
          duplicate_window: SIGNATURE_DUPLICATE_WINDOW_NS,
        },
        wait,
      );
      made.push(n.stream, n.sigStream);
      o.onProgress?.(`streams ${n.stream}, ${n.sigStream} (R${net.replicas})`);
    }
  } finally {
    await nc.close().catch(() => undefined);
  }
  return made;
}

/** GET a node's /health; the parsed body when it answers 200. */
export async function health(url: string, timeoutMs = 2000): Promise<unknown> {
  try {
    const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (r.status === 200) return await r.json();
    // Degraded is up: the node serves, and what it reports (e.g. finality waiting on other
    // organisations' nodes) is for `network status`, not a reason to call the start failed.
    const body: unknown = r.status === 503 ? await r.json() : undefined;
    return typeof body === 'object' && body !== null && (body as { status?: unknown }).status === 'degraded'
      ? body
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Start each organisation's node that is not already running: `node <cli> start --config
 * nodes/<org>.json`, detached, log in `logs/<org>.log`, password in GONGZHI_PASSWORD; wait until
 * every node answers GET /health.
 */
export async function startNodes(dir: string, o: UpOptions = {}): Promise<UpResult['nodes']> {
  const root = resolve(dir);
  const net = readNetwork(root);
  const cli = o.cli ?? defaultCliPath();
  if (!existsSync(cli))
    throw new GongzhiError('CONFIG_INVALID', `the gongzhi CLI ${cli} does not exist (npm run build)`, {
      cli,
    });
  const password = o.password ?? process.env.GONGZHI_PASSWORD;
  if (password === undefined || password === '')
    throw new GongzhiError(
      'CONFIG_INVALID',
      'a keystore password is required: --password or GONGZHI_PASSWORD',
    );
  const pids = readPids(root) ?? emptyPids();
  const out: UpResult['nodes'] = [];
  const started: PidEntry[] = [];
  for (const n of net.nodes) {
    const prev = pids.nodes.find((e) => e.name === n.org);
    if (prev && isRunning(prev)) {
      out.push({ org: n.org, url: n.apiUrl, pid: prev.pid, started: false });
      continue;
    }
    const ns = o.namespaceOf?.('node', n.org);
    if (ns === undefined && !(await portFree(n.apiHost, n.apiPort))) {
      throw new GongzhiError(
        'CONFIG_INVALID',
        `API port ${n.apiHost}:${n.apiPort} of node ${n.org} is in use`,
        {
          org: n.org,
          port: n.apiPort,
        },
      );
    }
    const config = join(root, n.config);
    const log = `${LAYOUT.logsDir}/${n.org}.log`;
    const pid = spawnDetached(
      ...inNamespace(ns, process.execPath, [
        cli,
        'start',
        '--config',
        config,
        '--log-level',
        o.logLevel ?? 'info',
      ]),
      { cwd: root, log: join(root, log), env: { ...process.env, GONGZHI_PASSWORD: password } },
    );
    const e: PidEntry = { name: n.org, pid, match: config, log, started: new Date().toISOString() };
    record(root, pids, 'nodes', e);
    started.push(e);
    out.push({ org: n.org, url: n.apiUrl, pid, started: true });
    o.onProgress?.(`node ${n.org} (pid ${pid}) → ${n.apiUrl}`);
  }
  const timeout = o.timeoutMs ?? 60_000;
  await Promise.all(
    started.map(async (e) => {
      const n = net.nodes.find((x) => x.org === e.name) as NetworkFile['nodes'][number];
      const t0 = Date.now();
      while ((await health(n.apiUrl)) === undefined) {
        if (!isAlive(e.pid)) {
          throw new GongzhiError(
            'CONFIG_INVALID',
            `node ${n.org} exited during start; ${e.log}:\n${tail(join(root, e.log))}`,
            { org: n.org },
          );
        }
        if (Date.now() - t0 > timeout) {
          throw new GongzhiError('NODE_TIMEOUT', `node ${n.org} did not answer ${n.apiUrl}/health`, {
            org: n.org,
            log: e.log,
          });
        }
        await sleep(200);
      }
    }),
  );
  return out;
}

/**
 * `gongzhi network up`: NATS servers, then streams, then nodes. The node password is checked
 * first (one node keystore decrypted) so a wrong one starts nothing; and whatever fails later,
 * the processes this call started are stopped again and the PID file is left as it was — a
 * failed `up` leaves no nats-server behind.
 */
export async function networkUp(dir: string, o: UpOptions = {}): Promise<UpResult> {
  const root = resolve(dir);
  const net = readNetwork(root);
  const password = o.password ?? process.env.GONGZHI_PASSWORD;
  const first = net.nodes[0];
  const before = readPids(root) ?? emptyPids();
  // The password check (one keystore decrypted, ~0.4 s of scrypt CPU) is what keeps a wrong
  // password from starting NATS servers. When they all run already (a node restart), a node
  // started with a wrong one exits at once and is reported with its log: the check is skipped,
  // so a restart costs the cores the other nodes share one scrypt, not two (issue 18, item 4).
  const natsRunning = net.servers.every((s) => before.nats.some((e) => e.name === s.name && isRunning(e)));
  if (!natsRunning && first !== undefined && password !== undefined && password !== '') {
    await loadNodeConfig(join(root, first.config), password);
  }
  const was = new Set([...before.nats, ...before.nodes].map((e) => `${e.name}:${e.pid}`));
  try {
    const servers = await startNatsServers(dir, o);
    await createStreams(dir, o);
    const nodes = await startNodes(dir, o);
    return { servers, nodes };
  } catch (e) {
    const after = readPids(root) ?? emptyPids();
    const fresh = (l: PidEntry[]) => l.filter((x) => !was.has(`${x.name}:${x.pid}`));
    const mine = [...fresh(after.nodes), ...fresh(after.nats)];
    if (mine.length > 0) {
      o.onProgress?.(`start failed: stopping ${mine.map((x) => x.name).join(', ')} again`);
      await terminate(fresh(after.nodes), 5_000);
      await terminate(fresh(after.nats), 5_000);
    }
    const keep = (l: PidEntry[]) => l.filter((x) => was.has(`${x.name}:${x.pid}`));
    const rest: PidFile = { nats: keep(after.nats), nodes: keep(after.nodes) };
    if (rest.nats.length + rest.nodes.length === 0) removePids(root);
    else writePids(root, rest);
    throw e;
  }
}
