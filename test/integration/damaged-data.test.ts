import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyPair } from '../../src/crypto/index.js';
import { utf8 } from '../../src/encoding/index.js';
import { type ErrorCode, isGongzhiError } from '../../src/errors/index.js';
import { DEFAULT_MODULES, type GongzhiNode, verifyChainFile } from '../../src/node/index.js';
import { GroupStore } from '../../src/storage/index.js';
import { makeTx, startTestNode, type TestConsortium, tempDir, testConsortium } from '../helpers/fixtures.js';

/** The code a call throws (fails the test when it does not throw a GongzhiError). */
function codeOf(f: () => unknown): ErrorCode {
  try {
    f();
  } catch (e) {
    if (isGongzhiError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a GongzhiError, nothing was thrown');
}

async function startCode(c: TestConsortium, dir: string): Promise<ErrorCode> {
  try {
    const n = await startTestNode(c, dir);
    await n.close();
  } catch (e) {
    if (isGongzhiError(e)) return e.code;
    throw e;
  }
  throw new Error('the node started on a damaged file');
}

/**
 * A real node writes a real SQLite file; each case edits a copy of it the way an operator (or a
 * faulty disk) could, and both `chain verify` and the node's start-up check must notice.
 */
describe('damaged data files are refused, with their codes', () => {
  const tmp = tempDir('gongzhi-damage-');
  const c = testConsortium();
  const pristine = join(tmp.dir, 'pristine');
  let file: string;
  let n = 0;

  /** A fresh copy of the node's file in its own data directory. */
  const copy = (): { dir: string; file: string } => {
    const dir = join(tmp.dir, `case-${n++}`);
    const target = join(dir, 'main.sqlite');
    mkdirSync(dir, { recursive: true });
    copyFileSync(file, target);
    return { dir, file: target };
  };
  const edit = (path: string, sql: string, ...params: unknown[]) => {
    const db = new Database(path);
    const r = db.prepare(sql).run(...params);
    db.close();
    expect(r.changes).toBeGreaterThan(0);
  };

  beforeAll(async () => {
    const node: GongzhiNode = await startTestNode(c, pristine);
    const g = node.group('main');
    const admin = c.admins[0] as KeyPair;
    // A failed receipt too (co-signing nothing: refused by the module at execution, not at
    // admission): its nonce is stored like any other and must be replayed.
    const failed = makeTx(c.suite, admin, g, 'evidence', 'cosign', {
      digest: c.suite.hash(utf8('never anchored')),
    });
    const [f] = await g.submit([failed.bytes]);
    if (!f || 'error' in f) throw new Error('submit failed');
    expect((await g.waitForCommit(f.hash, 10_000)).receipt.status).toBe('EVIDENCE_NOT_FOUND');
    for (let i = 0; i < 3; i++) {
      const t = makeTx(c.suite, admin, g, 'evidence', 'anchor', {
        digest: c.suite.hash(utf8(`doc ${i}`)),
        alg: 'sha256',
        meta: { type: 'doc', capturedBy: 'org0', capturedAt: 1, method: 'upload' },
      });
      const [r] = await g.submit([t.bytes]);
      if (!r || 'error' in r) throw new Error('submit failed');
      await g.waitForCommit(r.hash, 10_000);
    }
    await node.close();
    file = join(pristine, 'main.sqlite');
  });
  afterAll(() => tmp.remove());

  it('an untouched file verifies: every state key and nonce compared', () => {
    const r = verifyChainFile(file, DEFAULT_MODULES);
    expect(r.txs).toBe(4);
    expect(r.nonces).toBe(4);
    expect(r.stateKeys).toBeGreaterThan(3);
    // The data file is the owner's only.
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('an edited state value fails verify (CHAIN_STATE_MISMATCH)', async () => {
    const k = copy();
    // A key the genesis wrote, not the head block: only the full replay sees it.
    const db = new Database(k.file, { readonly: true });
    const key = (
      db
        .prepare(
          'SELECT key FROM state_writes WHERE height = 0 AND key NOT IN (SELECT key FROM state_writes WHERE height > 0) LIMIT 1',
        )
        .get() as { key: string }
    ).key;
    db.close();
    // The key's current value is its latest (here: only) write.
    edit(k.file, 'UPDATE state_writes SET value = ? WHERE key = ?', Buffer.from('forged'), key);
    expect(codeOf(() => verifyChainFile(k.file, DEFAULT_MODULES))).toBe('CHAIN_STATE_MISMATCH');
  });

  it('a state value the head block wrote fails the start-up check too', async () => {
    const k = copy();
    edit(
      k.file,
      'UPDATE state_writes SET value = ? WHERE height = (SELECT max(height) FROM blocks)',
      Buffer.from('forged'),
    );
    expect(codeOf(() => verifyChainFile(k.file, DEFAULT_MODULES))).toBe('CHAIN_STATE_MISMATCH');
    expect(await startCode(c, k.dir)).toBe('CHAIN_STATE_MISMATCH');
  });

  it('a deleted state row fails verify', () => {
    const k = copy();
    // A key written only by the genesis block: deleting its one row deletes the key.
    edit(
      k.file,
      'DELETE FROM state_writes WHERE key = (SELECT key FROM state_writes WHERE height = 0 AND key NOT IN (SELECT key FROM state_writes WHERE height > 0) LIMIT 1)',
    );
    expect(codeOf(() => verifyChainFile(k.file, DEFAULT_MODULES))).toBe('CHAIN_STATE_MISMATCH');
  });

  it('DELETE FROM nonces fails verify (CHAIN_NONCES_MISMATCH)', () => {
    const k = copy();
    edit(k.file, 'DELETE FROM nonces');
    expect(codeOf(() => verifyChainFile(k.file, DEFAULT_MODULES))).toBe('CHAIN_NONCES_MISMATCH');
  });

  it('a deleted head block row fails verify and the node refuses to start (CHAIN_HEAD_MISMATCH)', async () => {
    const k = copy();
    edit(k.file, 'DELETE FROM blocks WHERE height = (SELECT max(height) FROM blocks)');
    expect(codeOf(() => verifyChainFile(k.file, DEFAULT_MODULES))).toBe('CHAIN_HEAD_MISMATCH');
    expect(await startCode(c, k.dir)).toBe('CHAIN_HEAD_MISMATCH');
  });

  it('a deleted head row of an empty block is caught through the recorded head', () => {
    const k = copy();
    // Drop the head's transactions and writes too, leaving no row above the new top block.
    const db = new Database(k.file);
    const head = (db.prepare('SELECT max(height) AS h FROM blocks').get() as { h: number }).h;
    db.prepare('DELETE FROM txs WHERE height = ?').run(head);
    db.prepare('DELETE FROM state_writes WHERE height = ?').run(head);
    db.prepare('DELETE FROM blocks WHERE height = ?').run(head);
    db.close();
    expect(codeOf(() => new GroupStore(k.file))).toBe('CHAIN_HEAD_MISMATCH');
  });

  it('an unreadable file is a typed error, not a raw SqliteError', async () => {
    const k = copy();
    writeFileSync(k.file, Buffer.alloc(8192, 0x41));
    expect(codeOf(() => verifyChainFile(k.file, DEFAULT_MODULES))).toBe('STORAGE_UNREADABLE');
    expect(await startCode(c, k.dir)).toBe('STORAGE_UNREADABLE');
    expect(codeOf(() => verifyChainFile(join(k.dir, 'absent.sqlite'), DEFAULT_MODULES))).toBe(
      'INPUT_NOT_FOUND',
    );
  });

  it('a damaged page fails SQLite’s own check at start (STORAGE_CORRUPT or STORAGE_UNREADABLE)', async () => {
    const k = copy();
    const db = new Database(k.file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    // Overwrite an interior page (not the header page) with garbage.
    const bytes = Buffer.from(readFileSync(k.file));
    expect(bytes.length).toBeGreaterThan(pageSize * 3);
    bytes.fill(0xff, pageSize * 2, pageSize * 3);
    writeFileSync(k.file, bytes);
    const code = await startCode(c, k.dir);
    expect(['STORAGE_CORRUPT', 'STORAGE_UNREADABLE']).toContain(code);
  });
});
