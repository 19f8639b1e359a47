import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { SuiteId } from '../crypto/index.js';
import { GongzhiError } from '../errors/index.js';
import {
  type GroupSpec,
  type InitOptions,
  initConsortium,
  type NetworkOptions,
  type NodeConfigFile,
} from '../node/index.js';
import { streamNames } from '../ordering/index.js';
import { restrictConsortiumFiles } from '../storage/index.js';
import { LAYOUT, type NetworkFile, type NetworkNode, type NetworkServer } from './layout.js';
import { type NatsUser, renderNatsConfig } from './nats-config.js';
import { orgInboxPrefix, orgPermissions } from './permissions.js';
import { createCa, issueServerCert } from './tls.js';

export interface NetworkInitOptions {
  readonly dir: string;
  readonly chain: string;
  readonly suite: SuiteId;
  readonly orgs: readonly string[];
  /** Groups and their member organisations (all organisations when `orgs` is omitted). */
  readonly groups: readonly GroupSpec[];
  /** Keystore password. */
  readonly password: string;
  /** Number of NATS servers (default 3). */
  readonly nats?: number;
  /** API port of the first organisation's node (default 7700; the next ones count up). */
  readonly basePort?: number;
  /** Client port of the first NATS server (default 14222); routes use +100, monitoring +200. */
  readonly natsBasePort?: number;
  /** Stream replicas (default min(3, nats)). */
  readonly replicas?: number;
  /** Organisations (percent) whose signatures make a block final; the node's default when omitted. */
  readonly quorumPercent?: number;
  readonly timestamp?: number;
  readonly scryptN?: number;
  readonly permissions?: InitOptions['permissions'];
  readonly onProgress?: (message: string) => void;
}

export interface NetworkInitResult {
  readonly dir: string;
  readonly network: NetworkFile;
  /** Absolute path of each organisation's node config. */
  readonly nodeConfigs: Record<string, string>;
  /** The generated admin and node keys (also written, encrypted, under keys/). */
  readonly keys: Awaited<ReturnType<typeof initConsortium>>['keys'];
}

/** The host everything binds to: this tooling lays a network out on one machine's loopback. */
const HOST = '127.0.0.1';
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

function secret(): string {
  return randomBytes(24).toString('base64url');
}

function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function validate(o: NetworkInitOptions, nats: number): { id: string; orgs: string[] }[] {
  if (!Number.isSafeInteger(nats) || nats < 1 || nats > 99)
    throw new GongzhiError('CONFIG_INVALID', `--nats must be between 1 and 99 (got ${nats})`);
  if (o.orgs.length === 0) throw new GongzhiError('CONFIG_INVALID', 'at least one organisation is required');
  for (const org of o.orgs) {
    if (!ID.test(org))
      throw new GongzhiError('CONFIG_INVALID', `organisation id ${JSON.stringify(org)} must match ${ID}`, {
        org,
      });
  }
  if (new Set(o.orgs).size !== o.orgs.length)
    throw new GongzhiError('CONFIG_INVALID', 'organisation ids must be unique');
  const groups = o.groups.map((g) => ({ id: g.id, orgs: [...(g.orgs ?? o.orgs)] }));
  if (groups.length === 0) throw new GongzhiError('CONFIG_INVALID', 'at least one group is required');
  const streams = new Map<string, string>();
  for (const g of groups) {
    if (!ID.test(g.id))
      throw new GongzhiError('CONFIG_INVALID', `group id ${JSON.stringify(g.id)} must match ${ID}`, {
        group: g.id,
      });
    const s = streamNames(g.id).stream;
    const other = streams.get(s);
    if (other !== undefined)
      throw new GongzhiError('CONFIG_INVALID', `groups ${other} and ${g.id} map to the same stream ${s}`);
    streams.set(s, g.id);
    for (const m of g.orgs) {
      if (!o.orgs.includes(m))
        throw new GongzhiError('CONFIG_INVALID', `group ${g.id} names unknown org ${m}`, { org: m });
    }
  }
  const ports = [
    ...o.orgs.map((_, i) => (o.basePort ?? 7700) + i),
    ...Array.from({ length: nats }, (_, i) => (o.natsBasePort ?? 14222) + i),
  ];
  for (const p of ports) {
    if (!Number.isSafeInteger(p) || p < 1 || p > 65535 - 200)
      throw new GongzhiError('CONFIG_INVALID', `port ${p} out of range`);
  }
  const natsBase = o.natsBasePort ?? 14222;
  const natsPorts = new Set<number>();
  for (let i = 0; i < nats; i++) for (const d of [0, 100, 200]) natsPorts.add(natsBase + i + d);
  const clash = o.orgs.map((_, i) => (o.basePort ?? 7700) + i).find((p) => natsPorts.has(p));
  if (clash !== undefined)
    throw new GongzhiError('CONFIG_INVALID', `API port ${clash} collides with a NATS port`, { port: clash });
  return groups;
}

/**
 * `gongzhi network init`: a consortium (genesis, keystores, node configs by `initConsortium`) plus
 * the NATS layer it orders through: a consortium CA and per-server certificates (openssl), one
 * nats-server config per server (TLS for clients, mutual-TLS routes, JetStream, one user per
 * organisation limited to its groups' subjects), a `network` section in every node config, and
 * `network.json` for `network up/down/status`.
 */
export async function initNetwork(o: NetworkInitOptions): Promise<NetworkInitResult> {
  const dir = resolve(o.dir);
  const nats = o.nats ?? 3;
  const groups = validate(o, nats);
  if (existsSync(join(dir, LAYOUT.networkFile)))
    throw new GongzhiError(
      'CONFIG_INVALID',
      `${dir} already holds a network (network.json); use a new directory`,
      {
        dir,
      },
    );
  const progress = o.onProgress ?? (() => undefined);

  const consortium = await initConsortium({
    dir,
    chain: o.chain,
    suite: o.suite,
    orgs: o.orgs.map((id) => ({ id })),
    groups: groups.map((g) => ({ id: g.id, orgs: g.orgs })),
    password: o.password,
    basePort: o.basePort ?? 7700,
    timestamp: o.timestamp ?? Date.now(),
    ...(o.scryptN === undefined ? {} : { scryptN: o.scryptN }),
    ...(o.permissions === undefined ? {} : { permissions: o.permissions }),
    onProgress: progress,
  });

  // TLS: the consortium CA and one certificate per server (loopback names).
  mkdirSync(join(dir, LAYOUT.tlsDir), { recursive: true });
  const abs = (p: string) => join(dir, p);
  createCa({ keyPath: abs(LAYOUT.caKey), certPath: abs(LAYOUT.caCert) });
  progress('consortium CA: tls/ca.pem');
  const natsBase = o.natsBasePort ?? 14222;
  const servers: NetworkServer[] = Array.from({ length: nats }, (_, i) => {
    const name = `n${i + 1}`;
    const clientPort = natsBase + i;
    return {
      name,
      host: HOST,
      clientPort,
      clusterPort: natsBase + 100 + i,
      monitorPort: natsBase + 200 + i,
      url: `tls://${HOST}:${clientPort}`,
      config: `${LAYOUT.natsDir}/${name}.conf`,
      storeDir: `${LAYOUT.natsDir}/js${i + 1}`,
      cert: `${LAYOUT.tlsDir}/${name}.pem`,
      key: `${LAYOUT.tlsDir}/${name}.key`,
    };
  });
  for (const s of servers) {
    issueServerCert({
      caKeyPath: abs(LAYOUT.caKey),
      caCertPath: abs(LAYOUT.caCert),
      keyPath: abs(s.key),
      certPath: abs(s.cert),
      cn: `gongzhi-nats-${s.name}`,
      san: [`IP:${HOST}`, 'DNS:localhost'],
    });
    progress(`server certificate: ${s.cert}`);
  }

  // NATS users: one per organisation (its groups only) and the operator (everything).
  const replicas = o.replicas ?? Math.min(3, nats);
  if (replicas < 1 || replicas > nats)
    throw new GongzhiError('CONFIG_INVALID', `replicas must be between 1 and the server count ${nats}`);
  const groupsOf = (org: string) => groups.filter((g) => g.orgs.includes(org)).map((g) => g.id);
  const orgUsers = o.orgs.map((org) => ({ org, user: `gz-org-${org}`, pass: secret() }));
  const operator = { user: 'gz-operator', pass: secret() };
  const users: NatsUser[] = [
    { ...operator, comment: 'operator: creates the streams at `network up`; full rights' },
    ...orgUsers.map((u) => ({
      user: u.user,
      pass: u.pass,
      permissions: orgPermissions(groupsOf(u.org), u.org),
      comment: `organisation ${u.org}: groups ${groupsOf(u.org).join(', ') || '(none)'}`,
    })),
  ];
  mkdirSync(abs(LAYOUT.natsDir), { recursive: true });
  const routes = nats > 1 ? servers.map((s) => `nats-route://${s.host}:${s.clusterPort}`) : [];
  for (const s of servers) {
    mkdirSync(abs(s.storeDir), { recursive: true });
    writePrivate(
      abs(s.config),
      renderNatsConfig({
        name: s.name,
        host: s.host,
        clientPort: s.clientPort,
        clusterPort: s.clusterPort,
        monitorPort: s.monitorPort,
        routes,
        clusterName: `gongzhi-${o.chain}`.replace(/[^A-Za-z0-9_-]/g, '_'),
        storeDir: abs(s.storeDir),
        cert: abs(s.cert),
        key: abs(s.key),
        ca: abs(LAYOUT.caCert),
        users,
      }),
    );
    progress(`NATS server config: ${s.config}`);
  }
  writePrivate(abs(LAYOUT.operatorFile), `${JSON.stringify(operator, null, 2)}\n`);

  // Node configs: add the network section (the org's own NATS password only).
  const nodes: NetworkNode[] = [];
  const configs = orgUsers.map((u) => {
    const cfgPath = consortium.nodeConfigs[u.org] as string;
    return { u, cfgPath, cfg: JSON.parse(readFileSync(cfgPath, 'utf8')) as NodeConfigFile };
  });
  for (const { u, cfgPath, cfg } of configs) {
    // The other organisations' APIs: where a node takes certified blocks from when the stream no
    // longer holds what it needs, or when a quorum signed blocks other than the ones it computed.
    const peers = configs
      .filter((x) => x.u.org !== u.org)
      .map((x) => `http://${x.cfg.api.host}:${x.cfg.api.port}`);
    const network: NetworkOptions = {
      servers: servers.map((s) => s.url),
      user: u.user,
      pass: u.pass,
      tls: { ca: relative(join(dir, 'nodes'), abs(LAYOUT.caCert)) },
      inboxPrefix: orgInboxPrefix(u.org),
      replicas,
      ...(o.quorumPercent === undefined ? {} : { quorumPercent: o.quorumPercent }),
      ...(peers.length > 0 ? { peers } : {}),
    };
    writePrivate(cfgPath, `${JSON.stringify({ ...cfg, network }, null, 2)}\n`);
    nodes.push({
      org: u.org,
      nodeId: cfg.nodeId,
      config: relative(dir, cfgPath),
      apiHost: cfg.api.host,
      apiPort: cfg.api.port,
      apiUrl: `http://${cfg.api.host}:${cfg.api.port}`,
      groups: groupsOf(u.org),
      natsUser: u.user,
    });
  }

  const network: NetworkFile = {
    version: 1,
    chain: o.chain,
    suite: o.suite,
    created: new Date().toISOString(),
    ca: LAYOUT.caCert,
    replicas,
    groups,
    servers,
    nodes,
    operator: LAYOUT.operatorFile,
  };
  writeFileSync(abs(LAYOUT.networkFile), `${JSON.stringify(network, null, 2)}\n`);
  // Genesis, node configs and keys: the owner's only (network.json lists ports, nothing secret).
  restrictConsortiumFiles(dir);
  return { dir, network, nodeConfigs: consortium.nodeConfigs, keys: consortium.keys };
}
