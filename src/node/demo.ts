import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decryptKeystore, type KeyPair, readKeystoreFile } from '../crypto/index.js';
import { type CborValue, utf8 } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { type CborMap, encodeTx, signTx } from '../ledger/index.js';
import { GroupStore, restrictConsortiumFiles } from '../storage/index.js';
import { initConsortium } from './consortium.js';
import type { GongzhiNode } from './gongzhi-node.js';

/** Password of the demo keystores. Demo only: real deployments pass their own. */
export const DEMO_PASSWORD = 'gongzhi-demo';

/** The built-in demo consortium. */
export const DEMO_ORGS = [
  { id: 'civil-affairs', name: 'Civil Affairs Bureau (民政局)' },
  { id: 'community', name: 'Xihu Community Committee (社区居委会)' },
  { id: 'hospital', name: 'City People’s Hospital (人民医院)' },
  { id: 'bank', name: 'Community Bank (社区银行)' },
  { id: 'court', name: 'Internet Court (互联网法院)' },
] as const;

export const DEMO_GROUPS = [
  { id: 'governance' },
  { id: 'health', orgs: ['civil-affairs', 'hospital', 'community'] },
] as const;

/** The org whose node `npm start` runs (it belongs to both groups). */
export const DEMO_NODE_ORG = 'civil-affairs';

/** Create the demo consortium under `dir` unless it exists; returns the node config path. */
export async function ensureDemoConsortium(dir: string, onProgress?: (m: string) => void): Promise<string> {
  const cfg = join(dir, 'nodes', `${DEMO_NODE_ORG}.json`);
  if (existsSync(cfg)) return cfg;
  onProgress?.(`creating demo consortium in ${dir}`);
  await initConsortium({
    dir,
    chain: 'gongzhi-demo',
    suite: 'ed25519',
    orgs: DEMO_ORGS,
    groups: DEMO_GROUPS,
    password: DEMO_PASSWORD,
    timestamp: Date.UTC(2026, 0, 1),
    scryptN: 1 << 14,
    ...(onProgress ? { onProgress } : {}),
  });
  restrictConsortiumFiles(dir);
  return cfg;
}

/** Decrypt a demo org's admin key. */
export async function demoAdminKey(dir: string, org: string): Promise<KeyPair> {
  return decryptKeystore(await readKeystoreFile(join(dir, 'keys', `${org}-admin.json`)), DEMO_PASSWORD);
}

let nonceCounter = 0;

async function call(
  node: GongzhiNode,
  group: string,
  key: KeyPair,
  module: string,
  method: string,
  args: CborMap,
) {
  const g = node.group(group);
  const tx = signTx(g.suite, key.secretKey, {
    chain: g.chain,
    group,
    sender: key.publicKey,
    nonce: `demo-${Date.now()}-${nonceCounter++}`,
    validUntil: g.latest.height + 100,
    module,
    method,
    args,
  });
  const [r] = await g.submit([encodeTx(tx)]);
  if (!r || 'error' in r) throw r?.error ?? new GongzhiError('EXEC_INTERNAL', 'demo submit failed');
  const c = await g.waitForCommit(r.hash, 10_000);
  if (c.receipt.status !== 'ok') {
    throw new GongzhiError('EXEC_INTERNAL', `demo ${module}.${method} failed: ${c.receipt.status}`);
  }
  return c;
}

/**
 * Seed demo data on a fresh demo node: evidence anchored by the community and co-signed by the
 * civil-affairs bureau, a note, and a committee proposal voted through.
 */
export async function seedDemoData(node: GongzhiNode, dir: string, log: (m: string) => void): Promise<void> {
  const gov = node.group('governance');
  if (gov.latest.height > 0) return;
  const community = await demoAdminKey(dir, 'community');
  const civil = await demoAdminKey(dir, 'civil-affairs');
  const hospital = await demoAdminKey(dir, 'hospital');
  const docs = [
    ['Residents meeting minutes, 2026-11-01', 'meeting-minutes'],
    ['Community fund expenditure approval #17', 'fund-approval'],
    ['Volunteer service log, week 44', 'service-log'],
  ] as const;
  for (const [text, type] of docs) {
    const digest = gov.suite.hash(utf8(text));
    const meta: CborValue = {
      type,
      capturedBy: 'community',
      capturedAt: Date.UTC(2026, 10, 1),
      method: 'upload',
    };
    const c = await call(node, 'governance', community, 'evidence', 'anchor', {
      digest,
      alg: 'sha256',
      meta,
    });
    await call(node, 'governance', civil, 'evidence', 'cosign', { digest });
    log(`demo: anchored "${text}" at block ${c.height}`);
  }
  const firstDigest = gov.suite.hash(utf8(docs[0][0]));
  await call(node, 'governance', community, 'evidence', 'note', {
    digest: firstDigest,
    text: 'approved by the residents assembly',
  });
  const proposal = await call(node, 'governance', civil, 'governance', 'propose', {
    action: { type: 'setParam', name: 'blockIntervalMs', value: 100 },
  });
  const id = proposal.receipt.events.find((e) => e.name === 'proposed')?.data.id;
  for (const voter of [community, hospital, await demoAdminKey(dir, 'bank')]) {
    await call(node, 'governance', voter, 'governance', 'vote', { id: id as number, approve: true });
  }
  log(`demo: proposal ${String(id)} (blockIntervalMs → 100) voted through`);
  const health = node.group('health');
  if (health.latest.height === 0) {
    const digest = health.suite.hash(utf8('Lab report batch 2026-11-20 (digest only)'));
    await call(node, 'health', hospital, 'evidence', 'anchor', {
      digest,
      alg: 'sha256',
      meta: {
        type: 'lab-report-batch',
        capturedBy: 'hospital',
        capturedAt: Date.UTC(2026, 10, 20),
        method: 'lis-export',
      },
    });
    log('demo: hospital anchored a lab-report batch in group health');
  }
}

/** Marker written once the demo data is complete (its content is the time, for people). */
export const DEMO_SEEDED_MARKER = 'seeded';

/**
 * Make the demo's data directory hold the complete seeded demo, atomically. The seeding runs on a
 * node of its own in `<dataDir>.seeding`; only when every seeding transaction committed and that
 * node closed is the directory renamed to `dataDir` (one rename) and the marker written. A kill at
 * any moment leaves either no `dataDir` (the next start seeds again from scratch, discarding the
 * staging copy) or the complete one — never a half-seeded demo that later starts skip.
 *
 * A data directory from before the marker existed counts as complete when its `health` group,
 * the last one seeding writes, has blocks; otherwise it is a half-seeded leftover and is replaced.
 */
export async function ensureDemoSeeded(
  dir: string,
  dataDir: string,
  startNode: (dataDir: string) => Promise<GongzhiNode>,
  log: (m: string) => void,
  /** More seeding on the same staging node (the tea story, from the demos layer), inside the same rename. */
  extra?: (node: GongzhiNode) => Promise<void>,
): Promise<'seeded' | 'present'> {
  const marker = join(dir, DEMO_SEEDED_MARKER);
  if (existsSync(marker)) return 'present';
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    if (legacyComplete(dataDir)) {
      writeFileSync(marker, `${new Date().toISOString()}\n`);
      return 'present';
    }
    log(`demo: ${dataDir} holds a half-seeded demo (an interrupted first start): seeding it again`);
  }
  const staging = `${dataDir}.seeding`;
  rmSync(staging, { recursive: true, force: true });
  const node = await startNode(staging);
  try {
    await seedDemoData(node, dir, log);
    await extra?.(node);
  } finally {
    await node.close();
  }
  rmSync(dataDir, { recursive: true, force: true });
  renameSync(staging, dataDir);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return 'seeded';
}

function legacyComplete(dataDir: string): boolean {
  const file = join(dataDir, 'health.sqlite');
  if (!existsSync(file)) return false;
  try {
    const store = new GroupStore(file);
    try {
      return (store.latest()?.height ?? 0) > 0;
    } finally {
      store.close();
    }
  } catch {
    // A damaged leftover is not a complete demo: it is replaced.
    return false;
  }
}
