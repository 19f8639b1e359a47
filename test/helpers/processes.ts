/**
 * Stopping what a test started, even when a hook times out: every wait is bounded, a process that
 * does not stop on SIGTERM gets SIGKILL, and each started process is also killed when the test
 * process ends — on 'exit', and on the SIGTERM with which vitest ends a fork worker — the last
 * resort when a hook timed out before it could stop it.
 */
import type { ChildProcess } from 'node:child_process';

/** Wait for `p` at most `ms`: true when it settled in time (rejections swallowed); the node's own helper. */
import { settleWithin } from '../../src/ordering/orderer.js';

export const settle = settleWithin;

const tracked = new Set<number>();
const atExitFns = new Set<() => void>();
let hooked = false;

function killAllTracked(): void {
  for (const fn of atExitFns) {
    try {
      fn();
    } catch {
      // the last resort must not stop the rest
    }
  }
  atExitFns.clear();
  for (const pid of tracked) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  tracked.clear();
}

/** Kill `pid` with SIGKILL when this test process exits, unless `untrack` is called first. */
export function killOnExit(pid: number | undefined): () => void {
  if (pid === undefined) return () => undefined;
  tracked.add(pid);
  hookExit();
  return () => tracked.delete(pid);
}

/**
 * Run `fn` (synchronous: kill, delete namespaces) when this test process exits or vitest ends it,
 * before the tracked pids are killed, unless the returned function is called first.
 */
export function atExit(fn: () => void): () => void {
  atExitFns.add(fn);
  hookExit();
  return () => atExitFns.delete(fn);
}

function hookExit(): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', killAllTracked);
    // Vitest ends its fork workers with SIGTERM, which emits no 'exit': kill the children, then
    // re-raise the signal (the once-listener is gone, so the default action ends the process).
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.once(sig, () => {
        killAllTracked();
        process.kill(process.pid, sig);
      });
    }
  }
}

/**
 * Forget pids this test has seen stop, so the exit handler never signals a pid the system gave to
 * another process since.
 */
export function release(pids: readonly number[]): void {
  for (const pid of pids) tracked.delete(pid);
}

/** Track a child: killed on exit of this process; forgotten once it exits by itself. */
export function track<C extends ChildProcess>(child: C): C {
  const untrack = killOnExit(child.pid);
  child.once('exit', untrack);
  return child;
}

/** Whether `child` has exited. */
function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves when `child` exits (at once if it has). */
function exitOf(child: ChildProcess): Promise<void> {
  return exited(child) ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/** SIGTERM, wait at most `graceMs`, then SIGKILL and wait at most 5 s more. Never throws. */
export async function stopChild(child: ChildProcess | undefined, graceMs = 5000): Promise<void> {
  if (!child || exited(child)) return;
  const done = exitOf(child);
  child.kill('SIGTERM');
  if (await settle(done, graceMs)) return;
  child.kill('SIGKILL');
  await settle(done, 5000);
}

/** SIGKILL a process by pid if it still runs (for processes a test did not spawn itself). */
export function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Whether a process with this pid runs (signal 0 probes without signalling). */
export function isAliveSafe(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
