/**
 * A `network init` consortium run across network namespaces, one per organisation, with latency
 * between sites (issue 18, item 6: the Guangdong–Macau deployment is two sites, not one machine).
 *
 * Layout: a "wan" namespace holds a bridge; each organisation's namespace is joined to it by a
 * veth pair, and so is this (the root) namespace, each on its own address of one 198.18.N.0/24
 * (RFC 2544's benchmarking range, N chosen per run). Every process keeps the loopback addresses
 * `network init` wrote (127.0.0.1, so TLS names match), and a delaying relay in each namespace
 * (src/testing/delay-relay.ts) gives it the others' ports: in namespace X, 127.0.0.1:p of a service
 * hosted in namespace H is relayed to H's bridge address, and H relays that on to its own
 * 127.0.0.1:p. Connections between organisations of different sites get `latencyMs` each way
 * (added by the relay on the client's side); this namespace reaches every port with none.
 * No forwarding or routing is enabled anywhere, so the relays are the only way across.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GongzhiError } from '../errors/index.js';
import {
  type NetworkFile,
  networkDown,
  networkUp,
  readNetwork,
  readPids,
  type UpOptions,
  type UpResult,
} from '../network/index.js';
import { type RelayRule, startRelay } from './delay-relay.js';

export interface SitesOptions {
  /** A directory `initNetwork` made (loopback layout). */
  readonly dir: string;
  /** Organisations per site, e.g. [['a','b'], ['c','d']]. Every organisation of the network once. */
  readonly sites: readonly (readonly string[])[];
  /** One-way delay between organisations of different sites (ms); a round trip costs twice that. */
  readonly latencyMs: number;
  /** The organisation whose namespace hosts each NATS server (default: server i → organisation i). */
  readonly natsHost?: Readonly<Record<string, string>>;
  /**
   * Called with the synchronous cleanup before the first namespace is made, so that a caller whose
   * hook times out while this is still starting can run it at exit (test/helpers `atExit`).
   */
  readonly onCleanup?: (cleanupSync: () => void) => void;
  /** Passed on to `networkUp` (password, cli, logLevel, timeoutMs, onProgress). */
  readonly up?: Omit<UpOptions, 'namespaceOf'>;
}

export interface Sites {
  readonly network: NetworkFile;
  readonly up: UpResult;
  /** Namespace of each organisation. */
  readonly namespaces: Readonly<Record<string, string>>;
  /** The relay processes (one per organisation's namespace). */
  readonly relayPids: readonly number[];
  /** Stop nodes, servers and relays, delete the namespaces. Never throws. */
  close(): Promise<void>;
  /** The same, synchronously, with SIGKILL: for an exit handler. */
  cleanupSync(): void;
}

const PREFIX = 'gzsite';

/** Why namespaces cannot be made here (not root, no `ip`, a sandbox), or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  const probe = `${PREFIX}-${process.pid}-probe`;
  const r = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (r.error) return `cannot run \`ip\` (${r.error.message}); install iproute2`;
  if (r.status !== 0) return `\`ip netns add\` is not permitted here: ${r.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return undefined;
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0)
    throw new GongzhiError('CONFIG_INVALID', `ip ${args.join(' ')} failed: ${r.stderr.trim()}`, {
      args: args.join(' '),
    });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** Kill what runs in a namespace and delete it (and so its interfaces, and their root-side peers). */
function deleteNamespace(ns: string): void {
  const r = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
  killAll((r.stdout ?? '').split(/\s+/).filter(Boolean).map(Number));
  spawnSync('ip', ['netns', 'del', ns]);
}

/** Namespaces left by a run whose process is gone (SIGKILLed before its cleanup). */
function removeStale(): void {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const line of (r.stdout ?? '').split('\n')) {
    const m = new RegExp(`^(${PREFIX}-(\\d+)-\\S+)`).exec(line);
    if (m?.[1] !== undefined && !alive(Number(m[2]))) deleteNamespace(m[1]);
  }
}

/** A /24 of 198.18.0.0/15 not on any interface here. */
function freeSubnet(): number {
  const used = spawnSync('ip', ['-4', '-o', 'addr'], { encoding: 'utf8' }).stdout ?? '';
  for (let attempt = 0; attempt < 100; attempt++) {
    const n = 1 + Math.floor(Math.random() * 254);
    if (!used.includes(`198.18.${n}.`)) return n;
  }
  throw new GongzhiError('CONFIG_INVALID', 'no free 198.18.N.0/24 subnet');
}

/** The relay script, built (dist/testing) next to this module or, from the sources, under dist/. */
function relayScript(): string {
  const here = fileURLToPath(new URL('./delay-relay.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = fileURLToPath(new URL('../../dist/testing/delay-relay.js', import.meta.url));
  if (existsSync(built)) return built;
  throw new GongzhiError('CONFIG_INVALID', 'dist/testing/delay-relay.js is missing (npm run build)');
}

function startRelayProcess(ns: string, rulesFile: string): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, relayScript(), rulesFile], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`relay in ${ns} did not start`)), 20_000);
    child.stdout?.once('data', () => {
      clearTimeout(t);
      ok(child);
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      fail(new Error(`relay in ${ns} exited (${code})`));
    });
  });
}

/** Lay the namespaces out, start the relays, then `networkUp` with every process in its namespace. */
export async function startSites(o: SitesOptions): Promise<Sites> {
  const net = readNetwork(o.dir);
  const siteOf = new Map<string, number>();
  o.sites.forEach((orgs, i) => {
    for (const org of orgs) siteOf.set(org, i);
  });
  const orgs = net.nodes.map((n) => n.org);
  if (orgs.some((org) => !siteOf.has(org)) || siteOf.size !== orgs.length)
    throw new GongzhiError('CONFIG_INVALID', 'sites must name every organisation of the network once', {
      orgs: orgs.join(','),
    });
  const natsHost = (name: string): string =>
    o.natsHost?.[name] ?? (orgs[net.servers.findIndex((s) => s.name === name) % orgs.length] as string);
  removeStale();
  const id = `${PREFIX}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
  const wan = `${id}-wan`;
  const namespaces = Object.fromEntries(orgs.map((org) => [org, `${id}-${org}`]));
  const rootLink = `gzs${Math.random().toString(36).slice(2, 9)}`;
  const relays: ChildProcess[] = [];
  let rootRelay: Awaited<ReturnType<typeof startRelay>> | undefined;
  const made: string[] = [];
  const cleanupSync = () => {
    const pids = readPids(o.dir);
    killAll([...(pids?.nodes ?? []), ...(pids?.nats ?? [])].map((e) => e.pid));
    killAll(relays.map((r) => r.pid ?? -1).filter((p) => p > 0));
    for (const ns of made) deleteNamespace(ns);
    spawnSync('ip', ['link', 'del', rootLink]);
  };
  o.onCleanup?.(cleanupSync);
  try {
    const n = freeSubnet();
    const addr = (i: number) => `198.18.${n}.${10 + i}`;
    ip('netns', 'add', wan);
    made.push(wan);
    ip('-n', wan, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', wan, 'link', 'set', 'br0', 'up');
    const join2 = (wanEnd: string) => {
      ip('-n', wan, 'link', 'set', wanEnd, 'master', 'br0');
      ip('-n', wan, 'link', 'set', wanEnd, 'up');
    };
    for (const [i, org] of orgs.entries()) {
      const ns = namespaces[org] as string;
      ip('netns', 'add', ns);
      made.push(ns);
      ip('-n', wan, 'link', 'add', `p${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      join2(`p${i}`);
      ip('-n', ns, 'addr', 'add', `${addr(i)}/24`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    ip('link', 'add', rootLink, 'type', 'veth', 'peer', 'name', 'root', 'netns', wan);
    join2('root');
    ip('addr', 'add', `198.18.${n}.1/24`, 'dev', rootLink);
    ip('link', 'set', rootLink, 'up');

    // Every service port and the organisation whose namespace hosts it.
    const services: { org: string; port: number }[] = [
      ...net.servers.flatMap((s) =>
        [s.clientPort, s.clusterPort, s.monitorPort].map((port) => ({ org: natsHost(s.name), port })),
      ),
      ...net.nodes.map((nd) => ({ org: nd.org, port: nd.apiPort })),
    ];
    const hostAddr = (org: string) => addr(orgs.indexOf(org));
    for (const org of orgs) {
      const rules: RelayRule[] = services.map((s) =>
        s.org === org
          ? {
              listenHost: hostAddr(org),
              listenPort: s.port,
              targetHost: '127.0.0.1',
              targetPort: s.port,
              delayMs: 0,
            }
          : {
              listenHost: '127.0.0.1',
              listenPort: s.port,
              targetHost: hostAddr(s.org),
              targetPort: s.port,
              delayMs: siteOf.get(s.org) === siteOf.get(org) ? 0 : o.latencyMs,
            },
      );
      mkdirSync(join(o.dir, 'run'), { recursive: true });
      const file = join(o.dir, 'run', `relay-${org}.json`);
      writeFileSync(file, JSON.stringify(rules));
      relays.push(await startRelayProcess(namespaces[org] as string, file));
    }
    rootRelay = await startRelay(
      services.map((s) => ({
        listenHost: '127.0.0.1',
        listenPort: s.port,
        targetHost: hostAddr(s.org),
        targetPort: s.port,
        delayMs: 0,
      })),
    );
    o.up?.onProgress?.(
      `namespaces ${Object.values(namespaces).join(', ')} on 198.18.${n}.0/24; sites ` +
        `${o.sites.map((s) => s.join('+')).join(' | ')}, ${o.latencyMs} ms one way between them`,
    );
    const up = await networkUp(o.dir, {
      ...o.up,
      namespaceOf: (kind, name) => namespaces[kind === 'nats' ? natsHost(name) : name],
    });
    const relay = rootRelay;
    return {
      network: net,
      up,
      namespaces,
      relayPids: relays.map((r) => r.pid ?? -1),
      close: async () => {
        await networkDown(o.dir, { timeoutMs: 10_000 }).catch(() => undefined);
        for (const r of relays) r.stdin?.end();
        await relay.close().catch(() => undefined);
        cleanupSync();
      },
      cleanupSync,
    };
  } catch (e) {
    await rootRelay?.close().catch(() => undefined);
    cleanupSync();
    throw e;
  }
}
