import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { GongzhiError } from '../errors/index.js';
import { LAYOUT } from './layout.js';

/** One process started by `network up`. */
export interface PidEntry {
  /** Server name (`n1`) or organisation id. */
  readonly name: string;
  readonly pid: number;
  /** A string its command line contains (its config path): a recycled PID is never signalled. */
  readonly match: string;
  /** Log file (relative to the network dir). */
  readonly log: string;
  readonly started: string;
}

/** `run/pids.json`. */
export interface PidFile {
  readonly nats: PidEntry[];
  readonly nodes: PidEntry[];
}

export function pidFilePath(dir: string): string {
  return join(resolve(dir), LAYOUT.pidFile);
}

/** The recorded processes, or undefined when nothing was started (or `network down` ran). */
export function readPids(dir: string): PidFile | undefined {
  const p = pidFilePath(dir);
  if (!existsSync(p)) return undefined;
  try {
    const v = JSON.parse(readFileSync(p, 'utf8')) as Partial<PidFile>;
    return { nats: Array.isArray(v.nats) ? v.nats : [], nodes: Array.isArray(v.nodes) ? v.nodes : [] };
  } catch (e) {
    throw new GongzhiError('CONFIG_INVALID', `cannot read ${p}: ${(e as Error).message}`, { path: p });
  }
}

export function writePids(dir: string, pids: PidFile): void {
  const p = pidFilePath(dir);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, `${JSON.stringify(pids, null, 2)}\n`);
}

export function removePids(dir: string): void {
  rmSync(pidFilePath(dir), { force: true });
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // "pid (comm) S …": the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
}

/** True when the process's command line contains `needle` (always true where /proc is missing). */
export function commandLineMatches(pid: number, needle: string): boolean {
  if (!existsSync('/proc/self/cmdline')) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(needle);
  } catch {
    return false;
  }
}

/** The recorded process is still the one we started. */
export function isRunning(e: PidEntry): boolean {
  return isAlive(e.pid) && commandLineMatches(e.pid, e.match);
}

/** Start a process detached from this one (own process group, survives our exit), output appended to `log`. */
export function spawnDetached(
  command: string,
  args: readonly string[],
  o: { cwd: string; log: string; env?: NodeJS.ProcessEnv },
): number {
  mkdirSync(dirname(o.log), { recursive: true });
  const fd = openSync(o.log, 'a');
  try {
    const child = spawn(command, [...args], {
      cwd: o.cwd,
      env: o.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.on('error', () => undefined); // reported below through the missing pid
    if (child.pid === undefined)
      throw new GongzhiError('CONFIG_INVALID', `cannot start ${command}`, { command });
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** True when something accepts TCP connections on host:port. */
export function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((r) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      r(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** True when host:port can be bound (nothing listens there). */
export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = createServer();
    s.once('error', () => r(false));
    s.listen(port, host, () => s.close(() => r(true)));
  });
}

/** The last lines of a log file, for error messages. */
export function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Stop processes: SIGTERM each one still running, wait up to `timeoutMs` for them to exit, then
 * SIGKILL the rest. Only recorded PIDs whose command line still matches are signalled.
 * Returns the names of the processes that had to be killed.
 */
export async function terminate(entries: readonly PidEntry[], timeoutMs = 15_000): Promise<string[]> {
  const running = entries.filter(isRunning);
  for (const e of running) {
    try {
      process.kill(e.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const t0 = Date.now();
  while (running.some((e) => isAlive(e.pid)) && Date.now() - t0 < timeoutMs) await sleep(100);
  const killed: string[] = [];
  for (const e of running) {
    if (!isAlive(e.pid)) continue;
    killed.push(e.name);
    try {
      process.kill(e.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const t1 = Date.now();
  while (running.some((e) => isAlive(e.pid)) && Date.now() - t1 < 5000) await sleep(50);
  return killed;
}
