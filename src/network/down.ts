import { resolve } from 'node:path';
import { isRunning, readPids, removePids, terminate } from './processes.js';

export interface DownResult {
  /** Processes that were running and were stopped. */
  readonly stopped: { name: string; pid: number; kind: 'node' | 'nats' }[];
  /** Of those, the ones that needed SIGKILL after the timeout. */
  readonly killed: string[];
  /** Recorded but already gone (or the PID now belongs to another program). */
  readonly gone: string[];
}

/**
 * `gongzhi network down`: SIGTERM exactly the recorded PIDs — nodes first (so each finishes its
 * block in flight while NATS is still up), then the NATS servers — SIGKILL whatever is left after
 * `timeoutMs`, and remove the PID file.
 */
export async function networkDown(dir: string, o: { timeoutMs?: number } = {}): Promise<DownResult> {
  const root = resolve(dir);
  const pids = readPids(root);
  if (!pids) return { stopped: [], killed: [], gone: [] };
  const stopped: DownResult['stopped'] = [];
  const gone: string[] = [];
  for (const [kind, list] of [
    ['node', pids.nodes],
    ['nats', pids.nats],
  ] as const) {
    for (const e of list) {
      if (isRunning(e)) stopped.push({ name: e.name, pid: e.pid, kind });
      else gone.push(e.name);
    }
  }
  const killed = [
    ...(await terminate(pids.nodes, o.timeoutMs)),
    ...(await terminate(pids.nats, o.timeoutMs)),
  ];
  removePids(root);
  return { stopped, killed, gone };
}
