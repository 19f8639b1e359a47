import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { type CryptoSuite, getSuite, type KeyPair, type SuiteId } from '../../src/crypto/index.js';
import { toHex } from '../../src/encoding/index.js';
import {
  type CborMap,
  DEFAULT_PARAMS,
  encodeTx,
  type Genesis,
  signTx,
  txHash,
} from '../../src/ledger/index.js';
import { DEFAULT_PERMISSIONS, GongzhiNode } from '../../src/node/index.js';

/** A small consortium for tests: `orgs` organisations, each with an admin and a node key. */
export interface TestConsortium {
  readonly suite: CryptoSuite;
  readonly genesis: Genesis[];
  readonly admins: KeyPair[];
  readonly nodeKeys: KeyPair[];
}

let seq = 0;

/** Build genesis documents (one per group) with `orgs` orgs, all on the committee (threshold 67%). */
export function testConsortium(
  opts: { suite?: SuiteId; orgs?: number; groups?: string[]; blockIntervalMs?: number } = {},
): TestConsortium {
  const suite = getSuite(opts.suite ?? 'ed25519');
  const n = opts.orgs ?? 3;
  const admins = Array.from({ length: n }, () => suite.generateKeyPair());
  const nodeKeys = Array.from({ length: n }, () => suite.generateKeyPair());
  const orgs = admins.map((a, i) => ({
    id: `org${i}`,
    name: `Org ${i}`,
    admins: [toHex(a.publicKey)],
    nodes: [{ id: `org${i}-node`, publicKey: toHex((nodeKeys[i] as KeyPair).publicKey) }],
  }));
  const genesis = (opts.groups ?? ['main']).map(
    (group): Genesis => ({
      chain: 'test-chain',
      group,
      suite: suite.id,
      timestamp: 1_700_000_000_000,
      params: { ...DEFAULT_PARAMS, blockIntervalMs: opts.blockIntervalMs ?? 10 },
      orgs,
      committee: {
        members: admins.map((a) => ({ account: suite.address(a.publicKey), weight: 1 })),
        threshold: 67,
      },
      roles: {},
      permissions: DEFAULT_PERMISSIONS,
    }),
  );
  return { suite, genesis, admins, nodeKeys };
}

/** Build and sign a transaction's canonical bytes. */
export function makeTx(
  suite: CryptoSuite,
  key: KeyPair,
  g: { chain: string; group: string },
  module: string,
  method: string,
  args: CborMap,
  o: { nonce?: string; validUntil?: number } = {},
): { bytes: Uint8Array; hash: string } {
  const body = {
    chain: g.chain,
    group: g.group,
    sender: key.publicKey,
    nonce: o.nonce ?? `n${seq++}-${Math.random().toString(36).slice(2)}`,
    validUntil: o.validUntil ?? 500,
    module,
    method,
    args,
  };
  const tx = signTx(suite, key.secretKey, body);
  return { bytes: encodeTx(tx), hash: toHex(txHash(suite, body)) };
}

/** A temporary directory removed by the returned function. */
export function tempDir(prefix = 'gongzhi-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Start a real node (real SQLite files) of org 0 of the consortium. */
export async function startTestNode(
  c: TestConsortium,
  dataDir: string,
  verifyWorkers = 0,
): Promise<GongzhiNode> {
  return GongzhiNode.start({
    nodeId: 'org0-node',
    org: 'org0',
    nodeSecretKey: (c.nodeKeys[0] as KeyPair).secretKey,
    genesis: c.genesis,
    dataDir,
    verifyWorkers,
    logger: pino({ level: 'silent' }),
  });
}

/**
 * Write `dir/config.json`: org 0's node config naming `node.json` (its keystore) and
 * `genesis.json` in `dir`, with `extra` sections over it. Returns the file's path.
 */
export function writeOrg0Config(dir: string, extra: Record<string, unknown> = {}): string {
  const path = join(dir, 'config.json');
  const base = {
    nodeId: 'org0-node',
    org: 'org0',
    dataDir: 'data',
    nodeKeystore: 'node.json',
    genesis: ['genesis.json'],
  };
  writeFileSync(path, JSON.stringify({ ...base, ...extra }));
  return path;
}
