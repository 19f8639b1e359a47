import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isAlive,
  type NetworkFile,
  type NetworkStatus,
  networkDown,
  opensslAvailable,
  type PidFile,
  portFree,
  readPids,
} from '../../src/network/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { natsServerAvailable } from '../helpers/nats-cluster.js';
import { isAliveSafe, killOnExit, killPid, release, settle, stopChild, track } from '../helpers/processes.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const built = existsSync(CLI);
const run = promisify(execFile);
const PASSWORD = 'network-cli-test';

/** A random free port base in 20000–31999: below the ephemeral range, apart from network-auth's. */
async function freeBase(offsets: readonly number[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 11_500);
    const free = await Promise.all(offsets.map((d) => portFree('127.0.0.1', base + d)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port range');
}

async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The real CLI end to end: network init → up → anchor → status → kill/restart a node → down. */
describe.skipIf(!built || !natsServerAvailable() || !opensslAvailable())('gongzhi network (CLI)', () => {
  const tmp = tempDir('gongzhi-netcli-');
  const dir = join(tmp.dir, 'net');
  const env = { ...process.env, GONGZHI_PASSWORD: PASSWORD };
  let net: NetworkFile;
  let recorded: PidFile | undefined;
  let restarted: ChildProcess | undefined;

  const cli = async (...args: string[]) => {
    try {
      return (await run(process.execPath, [CLI, ...args], { env, cwd: tmp.dir })).stdout;
    } catch (e) {
      const err = e as Error & { stderr?: string };
      throw new Error(`gongzhi ${args.slice(0, 2).join(' ')} failed: ${err.stderr ?? err.message}`);
    }
  };
  /** The CLI's exit code, stdout and stderr, whether it failed or not. */
  const cliResult = async (...args: string[]) => {
    try {
      const r = await run(process.execPath, [CLI, ...args], { env, cwd: tmp.dir });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };
  /** `network status --json`: exit 0 when every part is healthy, 1 (NETWORK_DEGRADED) otherwise. */
  const status = async () => {
    const r = await cliResult('network', 'status', dir, '--json');
    const s = JSON.parse(r.stdout) as NetworkStatus;
    const healthy = [...s.servers, ...s.nodes].every((x) => x.health === 'ok');
    expect(r.code, r.stderr).toBe(healthy ? 0 : 1);
    if (!healthy) expect(r.stderr).toContain('NETWORK_DEGRADED');
    return s;
  };
  /** PIDs `network up` reported starting (its progress lines on stderr). */
  const startedPids = (stderr: string) => [...stderr.matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
  const heightOf = (s: NetworkStatus, org: string) =>
    s.nodes.find((n) => n.org === org)?.groups.find((g) => g.id === 'main')?.height;
  const anchor = async (org: string, label: string) => {
    const file = join(tmp.dir, `${label}.txt`);
    writeFileSync(file, `evidence ${label}`);
    const url = net.nodes.find((n) => n.org === org)?.apiUrl as string;
    const r = JSON.parse(
      await cli(
        'evidence',
        'anchor',
        file,
        '--group',
        'main',
        '--url',
        url,
        '--key',
        join(dir, 'keys', `${org}-admin.json`),
      ),
    ) as { status: string; height: number };
    expect(r.status).toBe('committed');
    return r.height;
  };

  beforeAll(async () => {
    // NATS client/route/monitoring ports at +0/+100/+200, node APIs at +300.
    const natsBase = await freeBase([0, 1, 2, 100, 101, 102, 200, 201, 202, 300, 301, 302, 303]);
    const apiBase = natsBase + 300;
    const out = await cli(
      'network',
      'init',
      dir,
      '--orgs',
      'a,b,c,d',
      '--nats',
      '3',
      '--chain',
      'netcli',
      '--base-port',
      String(apiBase),
      '--nats-base-port',
      String(natsBase),
    );
    expect(out).toContain('network written to');
    net = JSON.parse(readFileSync(join(dir, 'network.json'), 'utf8')) as NetworkFile;
    writeFileSync(join(tmp.dir, 'wrong-pw'), 'not-the-password\n');
  }, 60_000);

  afterAll(async () => {
    const pids = readPids(dir);
    const all = [...(pids?.nats ?? []), ...(pids?.nodes ?? [])];
    for (const e of all) killOnExit(e.pid);
    await stopChild(restarted, 10_000);
    await settle(networkDown(dir, { timeoutMs: 10_000 }), 30_000);
    for (const e of all) if (isAliveSafe(e.pid)) killPid(e.pid);
    release(all.map((e) => e.pid).filter((pid) => !isAliveSafe(pid)));
    tmp.remove();
  }, 60_000);

  it('init writes the CA, server certificates, NATS configs and network sections', () => {
    for (const f of [
      'tls/ca.pem',
      'tls/n1.pem',
      'nats/n1.conf',
      'nats/n3.conf',
      'nodes/d.json',
      'nats/operator.json',
    ])
      expect(existsSync(join(dir, f)), f).toBe(true);
    expect(net.servers).toHaveLength(3);
    expect(net.nodes.map((n) => n.org)).toEqual(['a', 'b', 'c', 'd']);
    const cfg = JSON.parse(readFileSync(join(dir, 'nodes', 'a.json'), 'utf8')) as {
      network: { servers: string[] };
    };
    expect(cfg.network.servers.every((s) => s.startsWith('tls://127.0.0.1:'))).toBe(true);
  });

  it('status of a network that is not up exits 1 (NETWORK_DEGRADED)', async () => {
    const s = await status();
    expect(s.nodes.every((n) => n.health === 'down')).toBe(true);
  });

  it('up with a wrong password starts nothing (KEYSTORE_BAD_PASSWORD)', async () => {
    const r = await cliResult('network', 'up', dir, '--password-file', join(tmp.dir, 'wrong-pw'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('KEYSTORE_BAD_PASSWORD');
    expect(startedPids(r.stderr)).toEqual([]);
    expect(existsSync(join(dir, 'run', 'pids.json'))).toBe(false);
    for (const x of net.servers) expect(await portFree(x.host, x.clientPort)).toBe(true);
  });

  it('up that fails half-way (one node cannot start) stops what it started', async () => {
    const cfgPath = join(dir, 'nodes', 'd.json');
    const original = readFileSync(cfgPath, 'utf8');
    const broken = { ...(JSON.parse(original) as Record<string, unknown>), nodeKeystore: 'no-such-key.json' };
    writeFileSync(cfgPath, JSON.stringify(broken));
    try {
      const r = await cliResult('network', 'up', dir, '--timeout', '90000');
      expect(r.code, r.stdout).toBe(1);
      const pids = startedPids(r.stderr);
      expect(pids.length).toBeGreaterThanOrEqual(4); // 3 nats-server + the nodes before d
      expect(r.stderr).toContain('stopping');
      await eventually(async () => (pids.every((p) => !isAlive(p)) ? true : undefined), 20_000, 'rollback');
      expect(existsSync(join(dir, 'run', 'pids.json'))).toBe(false);
    } finally {
      writeFileSync(cfgPath, original);
    }
  }, 180_000);

  it('up starts 3 NATS servers and 4 nodes that all answer /health', async () => {
    const out = await cli('network', 'up', dir, '--timeout', '90000');
    for (const n of net.nodes) expect(out).toContain(`${n.apiUrl}/v1`);
    recorded = readPids(dir);
    // Detached by `network up`: killed when this test process exits, even if afterAll is cut short.
    for (const e of [...(recorded?.nats ?? []), ...(recorded?.nodes ?? [])]) killOnExit(e.pid);
    expect(recorded?.nats).toHaveLength(3);
    expect(recorded?.nodes).toHaveLength(4);
    for (const e of [...(recorded?.nats ?? []), ...(recorded?.nodes ?? [])])
      expect(isAlive(e.pid)).toBe(true);
    // `up` returns once every node answers /health, degraded included (a node just started may
    // not have probed the stream or seen finality yet); each must then turn `ok` by itself.
    let last = '';
    const s = await eventually(
      async () => {
        const x = await status();
        last = JSON.stringify(x.nodes.map((n) => ({ org: n.org, health: n.health, groups: n.groups })));
        return x.nodes.every((n) => n.health === 'ok' && n.process === 'running') ? x : undefined;
      },
      60_000,
      'every node ok',
    ).catch((e: Error) => {
      throw new Error(`${e.message}; last status ${last}`);
    });
    expect(s.servers.every((x) => x.process === 'running')).toBe(true);
  }, 180_000);

  it('evidence anchored at one node reaches every node; status shows one height', async () => {
    let h = 0;
    for (let k = 0; k < 3; k++) h = await anchor('a', `doc-${k}`);
    expect(h).toBeGreaterThan(0);
    const s = await eventually(
      async () => {
        const x = await status();
        return x.nodes.every((n) => heightOf(x, n.org) === heightOf(x, 'a') && (heightOf(x, n.org) ?? 0) >= h)
          ? x
          : undefined;
      },
      30_000,
      'equal heights',
    );
    expect(new Set(s.nodes.map((n) => heightOf(s, n.org))).size).toBe(1);
    const text = await cli('network', 'status', dir);
    expect(text).toMatch(/NODE +URL +PID +PROCESS +HEALTH +GROUP +HEIGHT/);
  }, 120_000);

  it('a SIGKILLed node restarted with `start --config` catches up', async () => {
    const b = recorded?.nodes.find((e) => e.name === 'b');
    expect(b).toBeDefined();
    process.kill(b?.pid as number, 'SIGKILL');
    await eventually(async () => (isAlive(b?.pid as number) ? undefined : true), 10_000, 'b to die');
    const during = await anchor('c', 'while-b-is-down');
    const s1 = await status();
    expect(s1.nodes.find((n) => n.org === 'b')?.health).toBe('down');
    expect(s1.nodes.find((n) => n.org === 'b')?.process).toBe('stopped');
    restarted = track(
      spawn(
        process.execPath,
        [CLI, 'start', '--config', join(dir, 'nodes', 'b.json'), '--log-level', 'warn'],
        {
          env,
          stdio: 'ignore',
        },
      ),
    );
    const target = Math.max(during, heightOf(s1, 'a') ?? 0);
    await eventually(
      async () => {
        const x = await status();
        return (heightOf(x, 'b') ?? -1) >= target && heightOf(x, 'b') === heightOf(x, 'a') ? x : undefined;
      },
      60_000,
      'b to catch up',
    );
  }, 120_000);

  it('down stops exactly the recorded processes', async () => {
    const out = JSON.parse(await cli('network', 'down', dir, '--json')) as {
      stopped: { name: string }[];
      gone: string[];
    };
    // b's recorded PID was killed above; the restarted b was not started by `network up`.
    expect(out.gone).toEqual(['b']);
    expect(out.stopped.map((s) => s.name).sort()).toEqual(['a', 'c', 'd', 'n1', 'n2', 'n3']);
    const pids = [...(recorded?.nats ?? []), ...(recorded?.nodes ?? [])].map((e) => e.pid);
    await eventually(async () => (pids.every((p) => !isAlive(p)) ? true : undefined), 10_000, 'PIDs gone');
    expect(existsSync(join(dir, 'run', 'pids.json'))).toBe(false);
    expect(restarted?.exitCode ?? restarted?.signalCode ?? null).toBeNull(); // ours, still running
  }, 60_000);
});
