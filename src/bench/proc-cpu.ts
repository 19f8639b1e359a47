import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system, ms) of a process's main thread and of all its threads, from /proc. */
export interface ThreadCpu {
  readonly mainMs: number;
  readonly totalMs: number;
}

// Linux reports times in clock ticks; USER_HZ is 100 on every mainstream kernel build.
const TICK_MS = 10;

function ticks(stat: string): number {
  // Fields after the parenthesised command name: utime is the 14th field, stime the 15th.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

/**
 * CPU a child process has used so far, main thread apart: a per-transaction figure from it moves
 * far less with the machine's load than wall-clock throughput does. Undefined off Linux.
 */
export function threadCpu(pid: number | undefined): ThreadCpu | undefined {
  if (pid === undefined) return undefined;
  try {
    let total = 0;
    let main = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const t = ticks(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
      total += t;
      if (tid === String(pid)) main = t;
    }
    return { mainMs: main * TICK_MS, totalMs: total * TICK_MS };
  } catch {
    return undefined;
  }
}
