import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyPair } from '../../src/crypto/index.js';
import { fromHex, toHex, utf8 } from '../../src/encoding/index.js';
import type { GongzhiError } from '../../src/errors/index.js';
import { applyMerkleProof, decodeTx, encodeTx, leafHash, merkleProof } from '../../src/ledger/index.js';
import {
  DEFAULT_MODULES,
  type GongzhiNode,
  type GroupLedger,
  verifyChainFile,
} from '../../src/node/index.js';
import { makeTx, startTestNode, type TestConsortium, tempDir, testConsortium } from '../helpers/fixtures.js';

function anchorArgs(text: string, suite: TestConsortium['suite']) {
  return {
    digest: suite.hash(utf8(text)),
    alg: 'sha256',
    meta: { type: 'doc', capturedBy: 'org0', capturedAt: 1, method: 'upload' },
  } as const;
}

function snapshot(g: GroupLedger) {
  return {
    height: g.latest.height,
    root: toHex(g.latest.header.stateRoot),
    txs: g.store.txCount(),
    mempool: g.mempoolSize,
  };
}

async function submitOne(g: GroupLedger, bytes: Uint8Array) {
  const [r] = await g.submit([bytes]);
  if (!r) throw new Error('no result');
  return r;
}

async function commit(g: GroupLedger, bytes: Uint8Array) {
  const r = await submitOne(g, bytes);
  if ('error' in r) throw r.error;
  return g.waitForCommit(r.hash, 5000);
}

/** Submit a transaction admission must refuse; its code, after checking it left no trace. */
async function refusedCode(g: GroupLedger, bytes: Uint8Array): Promise<string> {
  const before = snapshot(g);
  const r = await submitOne(g, bytes);
  if (!('error' in r)) throw new Error(`admitted ${r.hash}`);
  if (r.hash !== undefined) expect(g.committed(r.hash)).toBeUndefined();
  expect(snapshot(g)).toEqual(before);
  return r.error.code;
}

describe('node: admission, execution, storage', () => {
  let c: TestConsortium;
  let node: GongzhiNode;
  let tmp: { dir: string; remove: () => void };
  let g: GroupLedger;
  let admin: KeyPair;

  beforeEach(async () => {
    c = testConsortium({ groups: ['main', 'other'] });
    tmp = tempDir();
    node = await startTestNode(c, tmp.dir);
    g = node.group('main');
    admin = c.admins[0] as KeyPair;
  });

  afterEach(async () => {
    await node.close();
    tmp.remove();
  });

  it('commits a transaction with a receipt and an inclusion proof to the tx root', async () => {
    const tx = makeTx(c.suite, admin, g, 'evidence', 'anchor', anchorArgs('hello', c.suite));
    const info = await commit(g, tx.bytes);
    expect(info.receipt.status).toBe('ok');
    expect(info.height).toBe(1);
    const block = g.store.blockByHeight(1);
    expect(block?.header.txCount).toBe(1);
    const hashes = g.store.txsOfBlock(1).map((t) => leafHash(c.suite.hash, t.hash));
    const proof = merkleProof(c.suite.hash, hashes, info.index);
    expect(toHex(applyMerkleProof(c.suite.hash, leafHash(c.suite.hash, fromHex(tx.hash)), proof))).toBe(
      toHex(block?.header.txRoot as Uint8Array),
    );
    expect(g.store.txsBySender(c.suite.address(admin.publicKey), 10)).toHaveLength(1);
    expect(g.store.txsByModule('evidence', 10)).toHaveLength(1);
    expect(g.store.blockByHash(block?.hash as Uint8Array)?.height).toBe(1);
  });

  it('rejects bad transactions before ordering and changes nothing', async () => {
    await commit(g, makeTx(c.suite, admin, g, 'evidence', 'anchor', anchorArgs('seed', c.suite)).bytes);
    const before = snapshot(g);
    const good = makeTx(c.suite, admin, g, 'evidence', 'anchor', anchorArgs('x', c.suite), {
      nonce: 'fixed',
    });
    const decoded = decodeTx(good.bytes);
    const tampered = encodeTx({ ...decoded, sig: decoded.sig.map((b, i) => (i === 0 ? b ^ 1 : b)) });
    const cases: [Uint8Array, string][] = [
      [tampered, 'TX_BAD_SIGNATURE'],
      [
        makeTx(
          c.suite,
          admin,
          { chain: 'other-chain', group: 'main' },
          'evidence',
          'anchor',
          anchorArgs('a', c.suite),
        ).bytes,
        'TX_WRONG_CHAIN',
      ],
      [
        makeTx(
          c.suite,
          admin,
          { chain: g.chain, group: 'other' },
          'evidence',
          'anchor',
          anchorArgs('a', c.suite),
        ).bytes,
        'TX_WRONG_GROUP',
      ],
      [
        makeTx(c.suite, admin, g, 'evidence', 'anchor', anchorArgs('a', c.suite), { validUntil: 1 }).bytes,
        'TX_EXPIRED',
      ],
      [
        makeTx(c.suite, admin, g, 'evidence', 'anchor', anchorArgs('a', c.suite), { validUntil: 5000 }).bytes,
        'TX_WINDOW_TOO_LONG',
      ],
      [new Uint8Array([0xa1, 0x61]), 'TX_MALFORMED'],
      [utf8('{"not":"cbor"}'), 'TX_MALFORMED'],
      [
        makeTx(c.suite, admin, g, 'evidence', 'note', {
          digest: new Uint8Array(32),
          text: 'x'.repeat(70_000),
        }).bytes,
        'TX_TOO_LARGE',
      ],
    ];
    for (const [bytes, code] of cases) {
      const r = await submitOne(g, bytes);
      expect('error' in r && r.error.code, code).toBe(code);
    }
    // replay: the same transaction again, and a different one reusing the nonce
    await commit(g, good.bytes);
    const mid = snapshot(g);
    const dup = await submitOne(g, good.bytes);
    expect('error' in dup && dup.error.code).toBe('TX_DUPLICATE');
    const sameNonce = makeTx(c.suite, admin, g, 'evidence', 'anchor', anchorArgs('y', c.suite), {
      nonce: 'fixed',
    });
    const replay = await submitOne(g, sameNonce.bytes);
    expect('error' in replay && replay.error.code).toBe('TX_NONCE_REPLAYED');
    await new Promise((r) => setTimeout(r, 50));
    expect(snapshot(g)).toEqual(mid);
    expect(mid.height).toBe(before.height + 1);
  });

  it('refuses at admission a call without the role or to an unknown method: no block, no receipt', async () => {
    const stranger = c.suite.generateKeyPair();
    expect(
      await refusedCode(
        g,
        makeTx(c.suite, stranger, g, 'evidence', 'anchor', anchorArgs('s', c.suite)).bytes,
      ),
    ).toBe('EXEC_PERMISSION_DENIED');
    expect(await refusedCode(g, makeTx(c.suite, admin, g, 'nosuch', 'call', {}).bytes)).toBe(
      'EXEC_UNKNOWN_MODULE',
    );
    expect(await refusedCode(g, makeTx(c.suite, admin, g, 'evidence', 'nosuch', {}).bytes)).toBe(
      'EXEC_UNKNOWN_METHOD',
    );
    // A bad signature is still told as such, before any permission is looked at.
    const forged = makeTx(c.suite, stranger, g, 'evidence', 'anchor', anchorArgs('s', c.suite));
    const bytes = new Uint8Array(forged.bytes);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
    expect(await refusedCode(g, bytes)).toBe('TX_BAD_SIGNATURE');
  });

  it('records a failing call as failed and writes nothing', async () => {
    const before = snapshot(g);
    const badArgs = await commit(g, makeTx(c.suite, admin, g, 'evidence', 'anchor', { digest: 1 }).bytes);
    expect(badArgs.receipt.status).toMatch(/EXEC_BAD_ARGS|EVIDENCE_BAD_DIGEST/);
    // blocks were cut, but the state root chain saw no writes
    expect(g.latest.height).toBeGreaterThan(before.height);
    expect(() => g.query('evidence', 'get', { digest: toHex(c.suite.hash(utf8('s'))) })).toThrow(
      /no evidence/,
    );
  });

  it('governance: weighted votes pass a freeze; a frozen account is refused; unfreeze restores it', async () => {
    const [a0, a1, a2] = c.admins as [KeyPair, KeyPair, KeyPair];
    const target = c.suite.address(a2.publicKey);
    const p = await commit(
      g,
      makeTx(c.suite, a0, g, 'governance', 'propose', { action: { type: 'freeze', account: target } }).bytes,
    );
    expect(p.receipt.status).toBe('ok');
    const id = p.receipt.events.find((e) => e.name === 'proposed')?.data.id as number;
    expect((g.query('governance', 'proposal', { id: String(id) }) as { status: string }).status).toBe('open');
    const again = await commit(g, makeTx(c.suite, a0, g, 'governance', 'vote', { id, approve: true }).bytes);
    expect(again.receipt.status).toBe('GOV_ALREADY_VOTED');
    await commit(g, makeTx(c.suite, a1, g, 'governance', 'vote', { id, approve: true }).bytes);
    // 2 of 3 = 66.7% < 67%: still open
    expect((g.query('governance', 'proposal', { id: String(id) }) as { status: string }).status).toBe('open');
    expect((g.query('governance', 'frozen', { account: target }) as { frozen: boolean }).frozen).toBe(false);
    await commit(g, makeTx(c.suite, a2, g, 'governance', 'vote', { id, approve: true }).bytes);
    expect((g.query('governance', 'proposal', { id: String(id) }) as { status: string }).status).toBe(
      'passed',
    );
    expect((g.query('governance', 'frozen', { account: target }) as { frozen: boolean }).frozen).toBe(true);
    expect(
      await refusedCode(g, makeTx(c.suite, a2, g, 'evidence', 'anchor', anchorArgs('f', c.suite)).bytes),
    ).toBe('EXEC_ACCOUNT_FROZEN');
    expect(
      await refusedCode(g, makeTx(c.suite, a2, g, 'governance', 'vote', { id: 999, approve: true }).bytes),
    ).toBe('EXEC_ACCOUNT_FROZEN');
    // the frozen member's weight leaves the tally: 2 of the 2 active members suffice
    const u = await commit(
      g,
      makeTx(c.suite, a0, g, 'governance', 'propose', { action: { type: 'unfreeze', account: target } })
        .bytes,
    );
    const uid = u.receipt.events.find((e) => e.name === 'proposed')?.data.id as number;
    await commit(g, makeTx(c.suite, a1, g, 'governance', 'vote', { id: uid, approve: true }).bytes);
    const ok = await commit(g, makeTx(c.suite, a2, g, 'evidence', 'anchor', anchorArgs('f', c.suite)).bytes);
    expect(ok.receipt.status).toBe('ok');
  });

  it('governance: permissions, roles and parameters change only by vote; non-members cannot propose', async () => {
    const [a0, a1, a2] = c.admins as [KeyPair, KeyPair, KeyPair];
    const user = c.suite.generateKeyPair();
    const userAddr = c.suite.address(user.publicKey);
    expect(
      await refusedCode(
        g,
        makeTx(c.suite, user, g, 'governance', 'propose', { action: { type: 'setThreshold', threshold: 1 } })
          .bytes,
      ),
    ).toBe('EXEC_PERMISSION_DENIED');
    const bad = await commit(
      g,
      makeTx(c.suite, a0, g, 'governance', 'propose', {
        action: { type: 'setParam', name: 'nope', value: 1 },
      }).bytes,
    );
    expect(bad.receipt.status).toBe('GOV_INVALID_CHANGE');
    const pass = async (action: Record<string, unknown>) => {
      const p = await commit(g, makeTx(c.suite, a0, g, 'governance', 'propose', { action } as never).bytes);
      expect(p.receipt.status).toBe('ok');
      const id = p.receipt.events.find((e) => e.name === 'proposed')?.data.id as number;
      for (const k of [a1, a2])
        await commit(g, makeTx(c.suite, k, g, 'governance', 'vote', { id, approve: true }).bytes);
      return (g.query('governance', 'proposal', { id: String(id) }) as { status: string }).status;
    };
    expect(await pass({ type: 'grantRole', account: userAddr, role: 'notary' })).toBe('passed');
    const anchored = await commit(
      g,
      makeTx(c.suite, user, g, 'evidence', 'anchor', anchorArgs('u', c.suite)).bytes,
    );
    expect(anchored.receipt.status).toBe('ok');
    expect(await pass({ type: 'setPermission', method: 'evidence.anchor', roles: ['org'] })).toBe('passed');
    expect(
      await refusedCode(g, makeTx(c.suite, user, g, 'evidence', 'anchor', anchorArgs('v', c.suite)).bytes),
    ).toBe('EXEC_PERMISSION_DENIED');
    expect(await pass({ type: 'setParam', name: 'maxTxBytes', value: 2000 })).toBe('passed');
    expect(g.params().maxTxBytes).toBe(2000);
    const big = makeTx(c.suite, a0, g, 'evidence', 'note', {
      digest: new Uint8Array(32),
      text: 'x'.repeat(3000),
    });
    const r = await submitOne(g, big.bytes);
    expect('error' in r && (r.error as GongzhiError).code).toBe('TX_TOO_LARGE');
    // a rejection vote: 2 of 3 against closes it as rejected
    const p = await commit(
      g,
      makeTx(c.suite, a0, g, 'governance', 'propose', { action: { type: 'setThreshold', threshold: 90 } })
        .bytes,
    );
    const id = p.receipt.events.find((e) => e.name === 'proposed')?.data.id as number;
    await commit(g, makeTx(c.suite, a1, g, 'governance', 'vote', { id, approve: false }).bytes);
    await commit(g, makeTx(c.suite, a2, g, 'governance', 'vote', { id, approve: false }).bytes);
    expect((g.query('governance', 'proposal', { id: String(id) }) as { status: string }).status).toBe(
      'rejected',
    );
    const late = await commit(g, makeTx(c.suite, a1, g, 'governance', 'vote', { id, approve: true }).bytes);
    expect(late.receipt.status).toBe('GOV_PROPOSAL_CLOSED');
  });

  it('keeps groups isolated', async () => {
    const tx = makeTx(c.suite, admin, g, 'evidence', 'anchor', anchorArgs('only-main', c.suite));
    await commit(g, tx.bytes);
    const other = node.group('other');
    expect(other.committed(tx.hash)).toBeUndefined();
    expect(other.latest.height).toBe(0);
    const digest = toHex(c.suite.hash(utf8('only-main')));
    expect(g.query('evidence', 'get', { digest })).not.toBeNull();
    expect(() => other.query('evidence', 'get', { digest })).toThrow(/no evidence/);
    expect(() => node.group('nosuch')).toThrow(/does not serve/);
  });

  it('reopens at the last block after a restart and the chain verifies offline', async () => {
    const hashes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const tx = makeTx(c.suite, admin, g, 'evidence', 'anchor', anchorArgs(`r${i}`, c.suite));
      hashes.push(tx.hash);
      await commit(g, tx.bytes);
    }
    const head = g.latest;
    await node.close();
    node = await startTestNode(c, tmp.dir);
    g = node.group('main');
    expect(g.latest.height).toBe(head.height);
    expect(toHex(g.latest.hash)).toBe(toHex(head.hash));
    for (const h of hashes) expect(g.committed(h)?.receipt.status).toBe('ok');
    await commit(g, makeTx(c.suite, admin, g, 'evidence', 'anchor', anchorArgs('after', c.suite)).bytes);
    await node.close();
    const file = `${tmp.dir}/main.sqlite`;
    const report = verifyChainFile(file, DEFAULT_MODULES);
    expect(report.blocks).toBe(head.height + 2);
    expect(report.txs).toBe(6);
    // Tampering with any stored piece is caught: a receipt, then a block signature.
    const db = new Database(file);
    const row = db.prepare('SELECT hash, receipt FROM txs ORDER BY height LIMIT 1').get() as {
      hash: Buffer;
      receipt: Buffer;
    };
    const receipt = Buffer.from(row.receipt);
    receipt[receipt.length - 1] = (receipt[receipt.length - 1] as number) ^ 1;
    db.prepare('UPDATE txs SET receipt = ? WHERE hash = ?').run(receipt, row.hash);
    db.close();
    expect(() => verifyChainFile(file, DEFAULT_MODULES)).toThrow(/receipt differs/);
    const db2 = new Database(file);
    db2.prepare('UPDATE txs SET receipt = ? WHERE hash = ?').run(row.receipt, row.hash);
    const sig = db2.prepare('SELECT signatures FROM blocks WHERE height = 2').get() as { signatures: Buffer };
    const forged = Buffer.from(sig.signatures);
    forged[12] = (forged[12] as number) ^ 1; // inside the 64-byte signature (the map is {sig, node})
    db2.prepare('UPDATE blocks SET signatures = ? WHERE height = 2').run(forged);
    db2.close();
    expect(() => verifyChainFile(file, DEFAULT_MODULES)).toThrow(/bad signature by org0-node/);
    node = await startTestNode(c, tmp.dir);
  });
});
