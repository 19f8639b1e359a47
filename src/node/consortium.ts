import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  type CryptoSuite,
  encryptKeystore,
  getSuite,
  type KeyPair,
  type SuiteId,
  writeKeystoreFile,
} from '../crypto/index.js';
import { toHex } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { DEFAULT_PARAMS, type Genesis, type OrgInfo } from '../ledger/index.js';
import { defaultPermissionRows } from '../modules/index.js';
import type { NodeConfigFile } from './config.js';

/** One organisation to create. */
export interface OrgSpec {
  readonly id: string;
  readonly name?: string;
}

/** One group: its id and which orgs belong to it (all when omitted). */
export interface GroupSpec {
  readonly id: string;
  readonly orgs?: readonly string[];
}

export interface InitOptions {
  readonly dir: string;
  readonly chain: string;
  readonly suite: SuiteId;
  readonly orgs: readonly OrgSpec[];
  readonly groups: readonly GroupSpec[];
  readonly password: string;
  readonly basePort?: number;
  readonly timestamp: number;
  readonly scryptN?: number;
  /** Extra genesis permissions ("module.method" → roles). */
  readonly permissions?: Readonly<Record<string, readonly string[]>>;
  readonly onProgress?: (message: string) => void;
}

/** What `init` wrote. */
export interface InitResult {
  readonly genesis: Genesis[];
  readonly nodeConfigs: Record<string, string>;
  readonly keys: Record<string, { admin: KeyPair; node: KeyPair }>;
}

/**
 * Default permission table: evidence services for organisations and notaries; points methods as the
 * points module needs them (program creation by `points-issuer`, approvals by `points-supervisor`,
 * the rest open to any account and checked against each program's own role table).
 */
export const DEFAULT_PERMISSIONS: Readonly<Record<string, readonly string[]>> = defaultPermissionRows();

/**
 * Write a consortium: per group a genesis document, per organisation an admin key and a node key
 * (encrypted keystores) and a node config. Deterministic apart from the generated keys.
 */
export async function initConsortium(o: InitOptions): Promise<InitResult> {
  const suite: CryptoSuite = getSuite(o.suite);
  if (o.orgs.length === 0) throw new GongzhiError('CONFIG_INVALID', 'at least one organisation is required');
  if (o.groups.length === 0) throw new GongzhiError('CONFIG_INVALID', 'at least one group is required');
  for (const d of ['genesis', 'keys', 'nodes', 'data']) mkdirSync(join(o.dir, d), { recursive: true });
  const keys: Record<string, { admin: KeyPair; node: KeyPair }> = {};
  const infos: OrgInfo[] = [];
  for (const org of o.orgs) {
    const admin = suite.generateKeyPair();
    const node = suite.generateKeyPair();
    keys[org.id] = { admin, node };
    const ksOpts = o.scryptN === undefined ? {} : { scryptN: o.scryptN };
    await writeKeystoreFile(
      join(o.dir, 'keys', `${org.id}-admin.json`),
      await encryptKeystore(suite.id, admin, o.password, ksOpts),
    );
    await writeKeystoreFile(
      join(o.dir, 'keys', `${org.id}-node.json`),
      await encryptKeystore(suite.id, node, o.password, ksOpts),
    );
    infos.push({
      id: org.id,
      name: org.name ?? org.id,
      admins: [toHex(admin.publicKey)],
      nodes: [{ id: `${org.id}-node`, publicKey: toHex(node.publicKey) }],
    });
    o.onProgress?.(`keys for ${org.id}`);
  }
  const genesis: Genesis[] = o.groups.map((g) => {
    const members = g.orgs ?? o.orgs.map((x) => x.id);
    for (const m of members) {
      if (!keys[m])
        throw new GongzhiError('CONFIG_INVALID', `group ${g.id} names unknown org ${m}`, { org: m });
    }
    const orgs = infos.filter((i) => members.includes(i.id));
    const doc: Genesis = {
      chain: o.chain,
      group: g.id,
      suite: o.suite,
      timestamp: o.timestamp,
      params: DEFAULT_PARAMS,
      orgs,
      committee: {
        members: orgs.map((x) => ({
          account: suite.address(keys[x.id]?.admin.publicKey as Uint8Array),
          weight: 1,
        })),
        threshold: 67,
      },
      roles: {},
      permissions: { ...DEFAULT_PERMISSIONS, ...o.permissions },
    };
    writeFileSync(join(o.dir, 'genesis', `${g.id}.json`), `${JSON.stringify(doc, null, 2)}\n`);
    return doc;
  });
  const nodeConfigs: Record<string, string> = {};
  o.orgs.forEach((org, i) => {
    const groups = genesis.filter((g) => g.orgs.some((x) => x.id === org.id)).map((g) => g.group);
    const cfgPath = join(o.dir, 'nodes', `${org.id}.json`);
    const rel = (p: string) => relative(join(o.dir, 'nodes'), p);
    const cfg: NodeConfigFile = {
      nodeId: `${org.id}-node`,
      org: org.id,
      dataDir: rel(join(o.dir, 'data', org.id)),
      nodeKeystore: rel(join(o.dir, 'keys', `${org.id}-node.json`)),
      genesis: groups.map((g) => rel(join(o.dir, 'genesis', `${g}.json`))),
      api: { host: '127.0.0.1', port: (o.basePort ?? 7700) + i },
    };
    writeFileSync(cfgPath, `${JSON.stringify(cfg, null, 2)}\n`);
    nodeConfigs[org.id] = cfgPath;
  });
  return { genesis, nodeConfigs, keys };
}
