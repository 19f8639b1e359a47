import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stopChild, track } from './processes.js';

/** True when the Debian `nats-server` binary is installed. */
export function natsServerAvailable(): boolean {
  return spawnSync('nats-server', ['--version']).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** A real JetStream cluster of `n` nats-server processes on loopback, for tests. */
export class NatsCluster {
  private readonly procs: (ChildProcess | undefined)[] = [];
  private clientPorts: number[] = [];
  private routePorts: number[] = [];

  constructor(
    private readonly dir: string,
    private readonly n = 3,
  ) {}

  get urls(): string[] {
    return this.clientPorts.map((p) => `nats://127.0.0.1:${p}`);
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.n; i++) {
      this.clientPorts.push(await freePort());
      this.routePorts.push(await freePort());
    }
    for (let i = 0; i < this.n; i++) this.writeConfig(i);
    for (let i = 0; i < this.n; i++) this.spawn(i);
    await Promise.all(this.clientPorts.map((p) => waitForPort(p)));
  }

  private writeConfig(i: number): void {
    const store = join(this.dir, `js${i}`);
    mkdirSync(store, { recursive: true });
    const routes = this.routePorts.map((p) => `nats-route://127.0.0.1:${p}`).join(', ');
    writeFileSync(
      join(this.dir, `n${i}.conf`),
      `server_name: n${i}\nlisten: 127.0.0.1:${this.clientPorts[i]}\njetstream { store_dir: "${store}" }\n` +
        // One server is a plain JetStream server: a cluster of one never elects a meta leader.
        (this.n > 1
          ? `cluster { name: gz, listen: 127.0.0.1:${this.routePorts[i]}, routes: [${routes}] }\n`
          : ''),
    );
  }

  private spawn(i: number): void {
    // Tracked: killed when the test process exits, even if stop() never ran (a hook timed out).
    this.procs[i] = track(spawn('nats-server', ['-c', join(this.dir, `n${i}.conf`)], { stdio: 'ignore' }));
  }

  /** SIGKILL server i. */
  kill(i: number): void {
    this.procs[i]?.kill('SIGKILL');
    this.procs[i] = undefined;
  }

  /** Signal server i (SIGSTOP freezes it, SIGCONT thaws it); false when it is not running. */
  signal(i: number, sig: NodeJS.Signals): boolean {
    return this.procs[i]?.kill(sig) ?? false;
  }

  /** Index of the server named `name` (n0, n1, …), as JetStream's cluster metadata names them. */
  indexOf(name: string): number {
    const i = Number(/^n(\d+)$/.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isInteger(i) || i < 0 || i >= this.n) throw new Error(`no server ${name}`);
    return i;
  }

  /** Start server i again with its store. */
  async restart(i: number): Promise<void> {
    this.spawn(i);
    await waitForPort(this.clientPorts[i] as number);
  }

  /** SIGTERM every server, SIGKILL those still running after a bounded wait. */
  async stop(): Promise<void> {
    await Promise.all(this.procs.map((p) => stopChild(p, 5000)));
    this.procs.length = 0;
  }
}

async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const { connect } = await import('node:net');
  const t0 = Date.now();
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => {
        s.end();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`nats-server on ${port} did not come up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
