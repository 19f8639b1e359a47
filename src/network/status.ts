import { resolve } from 'node:path';
import { readNetwork } from './layout.js';
import { isRunning, readPids } from './processes.js';

export interface GroupStatus {
  readonly id: string;
  readonly height: number;
  /** Only when the node's API reports it. */
  readonly finalHeight?: number;
  readonly mempool?: number;
  /** From /health: whether the node reaches the ordering service, and the stream's leader. */
  readonly ordering?: { readonly reachable: boolean; readonly leader?: string };
  /** From /health: ms since the node committed a block, and head minus final height. */
  readonly lastCutAgeMs?: number;
  readonly finalLag?: number;
  /** From /health: what makes the group degraded (empty or absent when healthy). */
  readonly degraded?: readonly string[];
  /** From /health: why the group is halted (code: message), when it is. */
  readonly halted?: string;
  /** From /health: the last ordering-stream sequence this node read (stream orderers only). */
  readonly readSeq?: number;
}

export interface NodeStatus {
  readonly org: string;
  readonly url: string;
  /** PID recorded by `network up`, if any. */
  readonly pid?: number;
  /** Whether the recorded process runs ('unrecorded' when `network up` did not start it). */
  readonly process: 'running' | 'stopped' | 'unrecorded';
  /** GET /health: 'ok', 'degraded', 'halted', 'shutting-down', or 'down' when it does not answer. */
  readonly health: string;
  readonly nodeId?: string;
  readonly groups: GroupStatus[];
}

export interface ServerStatus {
  readonly name: string;
  readonly url: string;
  readonly pid?: number;
  readonly process: 'running' | 'stopped' | 'unrecorded';
  /** The monitoring endpoint's /healthz answer ('ok', an error text, or 'down'). */
  readonly health: string;
}

export interface NetworkStatus {
  readonly servers: ServerStatus[];
  readonly nodes: NodeStatus[];
}

async function getJson(
  url: string,
  timeoutMs: number,
): Promise<{ status: number; body: unknown } | undefined> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await r.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: r.status, body };
  } catch {
    return undefined;
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Merge the group lists of /health (height, mempool) and /v1/node (height, maybe finalHeight). */
function mergeGroups(health: unknown, info: unknown): GroupStatus[] {
  const byId = new Map<string, GroupStatus>();
  for (const src of [info, health]) {
    const list = isObj(src) && Array.isArray(src.groups) ? src.groups : [];
    for (const g of list) {
      if (!isObj(g) || typeof g.id !== 'string') continue;
      const cur = byId.get(g.id) ?? { id: g.id, height: 0 };
      const height = num(g.height);
      const fin = num(g.finalHeight);
      const mempool = num(g.mempool);
      const lastCutAgeMs = num(g.lastCutAgeMs);
      const finalLag = num(g.finalLag);
      const o = isObj(g.ordering) && typeof g.ordering.reachable === 'boolean' ? g.ordering : undefined;
      const reader = o && isObj(o.reader) ? num(o.reader.nextSeq) : undefined;
      const halted = typeof g.halted === 'string' ? g.halted : undefined;
      const degraded = Array.isArray(g.degraded)
        ? g.degraded.filter((d) => typeof d === 'string')
        : undefined;
      byId.set(g.id, {
        ...cur,
        ...(height === undefined ? {} : { height: Math.max(cur.height, height) }),
        ...(fin === undefined ? {} : { finalHeight: fin }),
        ...(mempool === undefined ? {} : { mempool }),
        ...(lastCutAgeMs === undefined ? {} : { lastCutAgeMs }),
        ...(finalLag === undefined ? {} : { finalLag }),
        ...(o
          ? {
              ordering: {
                reachable: o.reachable === true,
                ...(typeof o.leader === 'string' ? { leader: o.leader } : {}),
              },
            }
          : {}),
        ...(degraded ? { degraded } : {}),
        ...(halted ? { halted } : {}),
        ...(reader === undefined ? {} : { readSeq: Math.max(0, reader - 1) }),
      });
    }
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** `gongzhi network status`: every server's and node's process, health and (nodes) group heights. */
export async function networkStatus(dir: string, o: { timeoutMs?: number } = {}): Promise<NetworkStatus> {
  const root = resolve(dir);
  const net = readNetwork(root);
  const pids = readPids(root);
  const timeout = o.timeoutMs ?? 2000;
  const servers = await Promise.all(
    net.servers.map(async (s): Promise<ServerStatus> => {
      const e = pids?.nats.find((x) => x.name === s.name);
      const h = await getJson(`http://${s.host}:${s.monitorPort}/healthz`, timeout);
      const health = !h
        ? 'down'
        : isObj(h.body) && typeof h.body.status === 'string'
          ? h.body.status === 'ok'
            ? 'ok'
            : `${h.body.status}${typeof h.body.error === 'string' ? `: ${h.body.error}` : ''}`
          : `HTTP ${h.status}`;
      return {
        name: s.name,
        url: s.url,
        ...(e ? { pid: e.pid } : {}),
        process: e ? (isRunning(e) ? 'running' : 'stopped') : 'unrecorded',
        health,
      };
    }),
  );
  const nodes = await Promise.all(
    net.nodes.map(async (n): Promise<NodeStatus> => {
      const e = pids?.nodes.find((x) => x.name === n.org);
      const [h, info] = await Promise.all([
        getJson(`${n.apiUrl}/health`, timeout),
        getJson(`${n.apiUrl}/v1/node`, timeout),
      ]);
      const health = !h
        ? 'down'
        : isObj(h.body) && typeof h.body.status === 'string'
          ? h.body.status
          : `HTTP ${h.status}`;
      const infoBody = info?.status === 200 ? info.body : undefined;
      const nodeId = isObj(infoBody) && typeof infoBody.nodeId === 'string' ? infoBody.nodeId : undefined;
      return {
        org: n.org,
        url: n.apiUrl,
        ...(e ? { pid: e.pid } : {}),
        process: e ? (isRunning(e) ? 'running' : 'stopped') : 'unrecorded',
        health,
        ...(nodeId === undefined ? {} : { nodeId }),
        groups: mergeGroups(h?.body, infoBody),
      };
    }),
  );
  return { servers, nodes };
}

/** A plain-text table of a status report. */
export function formatStatus(s: NetworkStatus): string {
  const rows: string[][] = [['NATS', 'URL', 'PID', 'PROCESS', 'HEALTH']];
  for (const x of s.servers) rows.push([x.name, x.url, x.pid?.toString() ?? '-', x.process, x.health]);
  const table = (r: string[][]) => {
    const widths = r[0]?.map((_, i) => Math.max(...r.map((row) => (row[i] ?? '').length))) ?? [];
    return r
      .map((row) =>
        row
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n');
  };
  const nodeRows: string[][] = [
    [
      'NODE',
      'URL',
      'PID',
      'PROCESS',
      'HEALTH',
      'GROUP',
      'HEIGHT',
      'FINAL',
      'MEMPOOL',
      'ORDERING',
      'READ',
      'LAST CUT',
    ],
  ];
  const problems: string[] = [];
  for (const n of s.nodes) {
    const base = [n.org, n.url, n.pid?.toString() ?? '-', n.process, n.health];
    if (n.groups.length === 0) nodeRows.push([...base, '-', '-', '-', '-', '-', '-', '-']);
    n.groups.forEach((g, i) => {
      nodeRows.push([
        ...(i === 0 ? base : ['', '', '', '', '']),
        g.id,
        String(g.height),
        g.finalHeight?.toString() ?? '-',
        g.mempool?.toString() ?? '-',
        g.ordering
          ? g.ordering.reachable
            ? `ok${g.ordering.leader ? ` (${g.ordering.leader})` : ''}`
            : 'UNREACHABLE'
          : '-',
        g.readSeq?.toString() ?? '-',
        g.lastCutAgeMs === undefined ? '-' : `${(g.lastCutAgeMs / 1000).toFixed(1)} s ago`,
      ]);
      if (g.halted) problems.push(`${n.org}/${g.id}: halted, ${g.halted}`);
      for (const d of g.degraded ?? []) problems.push(`${n.org}/${g.id}: ${d}`);
    });
  }
  const notes = problems.length > 0 ? `\n\nnot ok:\n${problems.map((p) => `  ${p}`).join('\n')}` : '';
  return `${table(rows)}\n\n${table(nodeRows)}${notes}\n`;
}

/** The servers and nodes that are not healthy (empty: the whole network answers `ok`). */
export function unhealthy(s: NetworkStatus): string[] {
  return [
    ...s.servers.filter((x) => x.health !== 'ok').map((x) => `nats ${x.name} (${x.health})`),
    ...s.nodes.filter((x) => x.health !== 'ok').map((x) => `node ${x.org} (${x.health})`),
  ];
}
