import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { startServer } from '../api/index.js';
import { getSuite, type KeyPair } from '../crypto/index.js';
import { toHex, utf8 } from '../encoding/index.js';
import { GongzhiError } from '../errors/index.js';
import { type CborMap, DEFAULT_PARAMS, encodeTx, type Genesis, signTx } from '../ledger/index.js';
import { DEFAULT_PERMISSIONS, GongzhiNode } from '../node/index.js';
import {
  buildCrossGroupProof,
  GongzhiClient,
  groupHeaderAnchorArgs,
  verifyCrossGroupProof,
} from '../sdk/index.js';
import type { Demo } from './demo.js';

/**
 * Cross-court evidence (dimension Z): the Hangzhou internet court's group anchors a contract's
 * digest; the government chain anchors the court group's block header; the Beijing court verifies
 * the evidence from the portable proof and the two genesis files alone, without calling Hangzhou.
 */
export const courtEvidenceDemo: Demo = {
  name: 'court-evidence',
  description:
    'Evidence anchored at one internet court, its group anchored into the government chain, verified at another court offline',
  async run(ctx) {
    const suite = getSuite('ed25519');
    const nodeKey = suite.generateKeyPair();
    const keys: Record<string, KeyPair> = { hz: suite.generateKeyPair(), gov: suite.generateKeyPair() };
    const genesisOf = (group: string, org: string, name: string): Genesis => ({
      chain: 'zhejiang-gov',
      group,
      suite: 'ed25519',
      timestamp: Date.now() - 3_600_000,
      params: { ...DEFAULT_PARAMS, blockIntervalMs: 20 },
      orgs: [
        {
          id: org,
          name,
          admins: [toHex((keys[org] as KeyPair).publicKey)],
          nodes: [{ id: 'court-node', publicKey: toHex(nodeKey.publicKey) }],
        },
      ],
      committee: {
        members: [{ account: suite.address((keys[org] as KeyPair).publicKey), weight: 1 }],
        threshold: 51,
      },
      roles: {},
      permissions: { ...DEFAULT_PERMISSIONS },
    });
    const court = genesisOf('hangzhou-court', 'hz', 'Hangzhou Internet Court');
    const gov = genesisOf('gov-chain', 'gov', 'Provincial government chain');
    const node = await GongzhiNode.start({
      nodeId: 'court-node',
      org: 'hz',
      nodeSecretKey: nodeKey.secretKey,
      genesis: [court, gov],
      dataDir: ctx.dataDir,
      logger: pino({ level: 'silent' }),
    });
    const api = await startServer(node, { host: '127.0.0.1', port: 0 });
    let nonce = 0;
    const send = async (who: string, group: string, method: string, args: CborMap) => {
      const g = node.group(group);
      const k = keys[who] as KeyPair;
      const tx = encodeTx(
        signTx(suite, k.secretKey, {
          chain: g.chain,
          group,
          sender: k.publicKey,
          nonce: `c${nonce++}`,
          validUntil: g.latest.height + 100,
          module: 'evidence',
          method,
          args,
        }),
      );
      const [r] = await g.submit([tx]);
      if (r === undefined || 'error' in r) throw r?.error ?? new Error('submit failed');
      const c = await g.waitForCommit(r.hash, 30_000);
      if (c.receipt.status !== 'ok')
        throw new GongzhiError('EXEC_INTERNAL', `${method}: ${c.receipt.status}`);
      return c;
    };
    try {
      const contract = utf8('Sale contract #HZ-2026-118: 20 t Longjing tea, signed 2026-11-30');
      const digest = suite.hash(contract);
      const anchored = await send('hz', 'hangzhou-court', 'anchor', {
        digest,
        alg: 'sha256',
        meta: {
          type: 'contract',
          capturedBy: 'Hangzhou Internet Court',
          capturedAt: Date.now(),
          method: 'upload',
        },
      });
      ctx.log(`Hangzhou court anchored the contract at block ${anchored.height} of its group`);
      await send('hz', 'hangzhou-court', 'anchor', {
        digest: suite.hash(utf8('another filing')),
        alg: 'sha256',
        meta: {
          type: 'filing',
          capturedBy: 'Hangzhou Internet Court',
          capturedAt: Date.now(),
          method: 'upload',
        },
      });
      // The periodic anchoring: the government chain records the court group's latest header.
      const head = node.group('hangzhou-court').latest;
      await send(
        'gov',
        'gov-chain',
        'anchor',
        groupHeaderAnchorArgs({
          chain: head.header.chain,
          group: head.header.group,
          height: head.height,
          hash: toHex(head.hash),
          timestamp: head.header.timestamp,
          alg: 'sha256',
        }),
      );
      ctx.log(
        `government chain anchored hangzhou-court header ${head.height} (${toHex(head.hash).slice(0, 16)}…)`,
      );
      const client = new GongzhiClient({ url: api.url });
      const proof = await buildCrossGroupProof({
        source: client,
        sourceGroup: 'hangzhou-court',
        target: client,
        targetGroup: 'gov-chain',
        digest: toHex(digest),
      });
      const proofPath = join(ctx.dataDir, 'cross-court-proof.json');
      writeFileSync(proofPath, JSON.stringify(proof));
      writeFileSync(join(ctx.dataDir, 'hangzhou-court.genesis.json'), JSON.stringify(court));
      writeFileSync(join(ctx.dataDir, 'gov-chain.genesis.json'), JSON.stringify(gov));
      ctx.log(
        `portable proof built (${JSON.stringify(proof).length} bytes, ${proof.headers.length} linking headers)`,
      );
      // Beijing court: offline, from the proof, the file and the two genesis files only.
      const r = verifyCrossGroupProof({ proof, sourceGenesis: court, targetGenesis: gov, file: contract });
      ctx.log(
        `Beijing court verified offline: ${r.valid} — existed by ${new Date(r.attestedBy?.timestamp ?? 0).toISOString()} (gov-chain block ${r.attestedBy?.height})`,
      );
      const dropped = verifyCrossGroupProof({
        proof: { ...proof, headers: proof.headers.slice(1) },
        sourceGenesis: court,
        targetGenesis: gov,
        file: contract,
      });
      const tampered = verifyCrossGroupProof({
        proof: { ...proof, headers: [proof.source.anchor.header, ...proof.headers] },
        sourceGenesis: court,
        targetGenesis: gov,
        file: contract,
      });
      const otherFile = verifyCrossGroupProof({
        proof,
        sourceGenesis: court,
        targetGenesis: gov,
        file: utf8('forged'),
      });
      const swapped = verifyCrossGroupProof({
        proof,
        sourceGenesis: gov,
        targetGenesis: court,
        file: contract,
      });
      // A second court organisation in the genesis: a block signed by Hangzhou alone is no longer
      // final (2 of 2 organisations needed), unless the verifier knowingly lowers the bar.
      const other = suite.generateKeyPair();
      const twoCourts: Genesis = {
        ...court,
        orgs: [
          ...court.orgs,
          {
            id: 'bj',
            name: 'Beijing Internet Court',
            admins: [toHex(other.publicKey)],
            nodes: [{ id: 'bj-node', publicKey: toHex(other.publicKey) }],
          },
        ],
      };
      const unsigned = verifyCrossGroupProof({
        proof,
        sourceGenesis: twoCourts,
        targetGenesis: gov,
        file: contract,
      });
      const lowered = verifyCrossGroupProof({
        proof,
        sourceGenesis: twoCourts,
        targetGenesis: gov,
        file: contract,
        minSignatures: 1,
      });
      ctx.log(
        `forged proofs: headers cut ${dropped.valid}, link tampered ${tampered.valid}, other file ${otherFile.valid}, genesis swapped ${swapped.valid}; ` +
          `one of two courts signed: ${unsigned.valid} (lowered to one: ${lowered.valid}, shown as ${lowered.source?.trust?.lowered ? 'LOWERED' : 'not lowered'})`,
      );
      return {
        valid: r.valid,
        checks: r.checks.map((c) => `${c.name}:${c.ok}`),
        recordHeight: r.recordBlock?.height,
        anchoredHeight: r.anchoredBlock?.height,
        attestedHeight: r.attestedBy?.height,
        linkHeaders: proof.headers.length,
        proofBytes: JSON.stringify(proof).length,
        droppedHeader: { valid: dropped.valid, errors: dropped.errors },
        otherFile: { valid: otherFile.valid, errors: otherFile.errors },
        tamperedLink: { valid: tampered.valid, errors: tampered.errors },
        swappedGenesis: { valid: swapped.valid, errors: swapped.errors },
        withoutQuorum: { valid: unsigned.valid, errors: unsigned.errors },
        loweredQuorum: { valid: lowered.valid, lowered: lowered.source?.trust?.lowered === true },
        proofFile: proofPath,
      };
    } finally {
      await api.close();
      await node.close();
    }
  },
};
