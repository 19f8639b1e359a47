/**
 * What the console's browser tests share: a real demo node started by the built CLI (`gongzhi
 * start --demo`, as a person would) and stopped even when a hook times out, the CLI itself for
 * setting up data, and Debian's Chromium driven by playwright-core.
 */
import { type ChildProcess, execFile, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';

export const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
export const CONSOLE_INDEX = new URL('../../dist/console/index.html', import.meta.url).pathname;
export const CHROMIUM = '/usr/bin/chromium';
/** Why the console tests cannot run here, or undefined when they can. */
export const SKIP_REASON = !existsSync(CHROMIUM)
  ? `${CHROMIUM} not found (apt-get install -y chromium)`
  : !existsSync(CLI) || !existsSync(CONSOLE_INDEX)
    ? 'dist/ is not built (npm run build)'
    : undefined;

const run = promisify(execFile);
/** How long a stopping node may take before it is killed. */
const STOP_GRACE_MS = 5000;

/** A free TCP port on 127.0.0.1 (so a restarted node can come back at the same origin). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface DemoNode {
  readonly url: string;
  readonly dir: string;
  readonly child: ChildProcess;
}

/** Start `gongzhi start --demo` on `port` with data under `dir`; resolves once it is ready. */
export async function startDemoNode(dir: string, port: number): Promise<DemoNode> {
  const child = fork(
    CLI,
    ['start', '--demo', '--data', join(dir, 'demo'), '--port', String(port), '--log-level', 'warn'],
    {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('demo node did not start in 60 s')), 60_000);
    child.on('message', (m: { ready?: boolean; url?: string }) => {
      if (m.ready && m.url) {
        clearTimeout(t);
        resolve(m.url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`demo node exited with ${code}`));
    });
  }).catch(async (e: unknown) => {
    await stopNode(child);
    throw e;
  });
  return { url, dir, child };
}

/** SIGTERM, then SIGKILL after STOP_GRACE_MS: a test never leaves a node behind. */
export async function stopNode(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** Run the built CLI against `node` (demo password in the environment); its stdout. */
export async function cli(node: DemoNode, ...args: string[]): Promise<string> {
  const env = { ...process.env, GONGZHI_PASSWORD: 'gongzhi-demo', GONGZHI_URL: node.url };
  const r = await run(process.execPath, [CLI, ...args], { env, cwd: node.dir });
  return r.stdout;
}

/** Headless Chromium with the flags the project's browser tests use (and `extraArgs`). */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}
