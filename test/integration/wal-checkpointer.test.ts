import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Runs against the compiled build: the worker entry only exists as dist/storage/wal-checkpoint-worker.js.
type StorageApi = typeof import('../../src/storage/index.js');

const distIndex = new URL('../../dist/storage/index.js', import.meta.url);
const distWorker = new URL('../../dist/storage/wal-checkpoint-worker.js', import.meta.url);
const built = existsSync(fileURLToPath(distWorker));
if (!built) {
  console.warn(
    `[wal-checkpointer] skipped: ${fileURLToPath(distWorker)} is absent; run \`npm run build\` first`,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'gongzhi-wal-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 2,000 commits of a 4 KiB value each: about 8 MiB of WAL frames, a pause every 100 commits. */
async function writeMany(store: InstanceType<StorageApi['GroupStore']>): Promise<void> {
  const value = new Uint8Array(4096).fill(7);
  for (let i = 0; i < 2000; i++) {
    store.atomically(() => store.setMeta(`k${i}`, value));
    if (i % 100 === 99) await sleep(60);
  }
}

describe.skipIf(!built)('WalCheckpointer (dist build)', () => {
  it('checkpoints on its worker, so the WAL stays small though the writer no longer checkpoints at 1,000 pages', async () => {
    const api = (await import(distIndex.href)) as StorageApi;
    const path = join(dir, 'bg.sqlite');
    const store = new api.GroupStore(path, { backgroundCheckpoints: true });
    try {
      expect(store.checkpointer?.running).toBe(true);
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(api.FALLBACK_AUTOCHECKPOINT_PAGES);
      // Let the worker thread start (one commit, then a pause) before the load.
      store.atomically(() => store.setMeta('warm', new Uint8Array(1)));
      await sleep(500);
      await writeMany(store);
      // The writer does not checkpoint below 64 MiB of WAL: the database file grew only because the
      // worker copied the frames into it.
      expect(statSync(path).size).toBeGreaterThan(4 * 1024 * 1024);
      // And the WAL is reused from its start after each complete checkpoint, so it stays well below
      // the 8 MiB that were written (the control below keeps them all).
      expect(statSync(`${path}-wal`).size).toBeLessThan(6 * 1024 * 1024);
    } finally {
      store.close();
    }
    expect(store.checkpointer?.running).toBe(false);
    // Closed, the store is one whole file: the WAL was folded in though the worker's connection may
    // still have been open (it is empty, or gone when the worker closed last).
    expect(existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0).toBe(0);
    const again = new api.GroupStore(path);
    try {
      // Opening ran the integrity check (a damaged file would have thrown STORAGE_CORRUPT).
      expect(again.integrity).toBeDefined();
      expect(again.getMeta('k1999')?.length).toBe(4096);
      // A store opened without it checkpoints as SQLite does by default.
      expect(again.checkpointer).toBeUndefined();
      expect(again.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      again.close();
    }
  });

  it('a store without the option keeps a WAL that grows to the writer’s own bound (the control)', async () => {
    const api = (await import(distIndex.href)) as StorageApi;
    const path = join(dir, 'fg.sqlite');
    const store = new api.GroupStore(path);
    try {
      store.db.pragma(`wal_autocheckpoint = ${api.FALLBACK_AUTOCHECKPOINT_PAGES}`);
      await writeMany(store);
      expect(statSync(`${path}-wal`).size).toBeGreaterThan(6 * 1024 * 1024);
    } finally {
      store.close();
    }
  });
});
