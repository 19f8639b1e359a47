import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { encryptKeystore, writeKeystoreFile } from '../../src/crypto/index.js';
import { loadNodeConfig } from '../../src/node/config.js';
import { GongzhiNode } from '../../src/node/index.js';
import { DEFAULT_STORE_CACHE_MB, GroupStore } from '../../src/storage/index.js';
import { tempDir, testConsortium, writeOrg0Config } from '../helpers/fixtures.js';

/** SQLite's cache_size in KiB (it is stored negative when set as a size rather than in pages). */
const cacheKiB = (s: GroupStore): number => -Number(s.db.pragma('cache_size', { simple: true }));

describe('storage: the page cache of a group file', () => {
  const tmp = tempDir('gongzhi-storage-cache-');
  afterAll(() => tmp.remove());

  it('takes the size it is given, and the store default without one', () => {
    const a = new GroupStore(join(tmp.dir, 'a.sqlite'), { cacheMb: 96 });
    const b = new GroupStore(join(tmp.dir, 'b.sqlite'));
    try {
      expect(cacheKiB(a)).toBe(96 * 1024);
      expect(cacheKiB(b)).toBe(DEFAULT_STORE_CACHE_MB * 1024);
    } finally {
      a.close();
      b.close();
    }
  });

  it.each([1, 1.5, 65_537, Number.NaN])('refuses %s MiB with CONFIG_INVALID and creates no file', (mb) => {
    const path = join(tmp.dir, `bad-${String(mb)}.sqlite`);
    expect(() => new GroupStore(path, { cacheMb: mb })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('cacheMb') }),
    );
    expect(existsSync(path)).toBe(false);
  });

  it('a node gives each group file its default, or the size it is started with', async () => {
    const c = testConsortium({ orgs: 1 });
    const key = c.nodeKeys[0];
    if (key === undefined) throw new Error('no node key');
    const start = (dir: string, storeCacheMb?: number) =>
      GongzhiNode.start({
        nodeId: 'org0-node',
        org: 'org0',
        nodeSecretKey: key.secretKey,
        genesis: c.genesis,
        dataDir: join(tmp.dir, dir),
        verifyWorkers: 0,
        logger: pino({ level: 'silent' }),
        ...(storeCacheMb === undefined ? {} : { storeCacheMb }),
      });
    for (const [dir, mb, want] of [
      ['n1', undefined, DEFAULT_STORE_CACHE_MB],
      ['n2', 32, 32],
    ] as const) {
      const node = await start(dir, mb);
      try {
        for (const g of c.genesis) expect(cacheKiB(node.group(g.group).store)).toBe(want * 1024);
      } finally {
        await node.close();
      }
    }
  });

  it('a node config names it storage.cacheMb, checked at load', async () => {
    const c = testConsortium({ orgs: 1 });
    const key = c.nodeKeys[0];
    if (key === undefined) throw new Error('no node key');
    await writeKeystoreFile(
      join(tmp.dir, 'node.json'),
      await encryptKeystore('ed25519', key, 'pw', { scryptN: 2 ** 10, weakForTests: true }),
    );
    writeFileSync(join(tmp.dir, 'genesis.json'), JSON.stringify(c.genesis[0]));
    const write = (storage: unknown) =>
      writeOrg0Config(tmp.dir, { api: { host: '127.0.0.1', port: 0 }, storage });
    expect((await loadNodeConfig(write({ cacheMb: 512 }), 'pw')).file.storage?.cacheMb).toBe(512);
    for (const [storage, says] of [
      [{ cacheMb: 'big' }, 'storage.cacheMb must be an integer from 2 to 65536'],
      [{ cacheMb: 0 }, 'storage.cacheMb must be an integer'],
      [{ cachemb: 512 }, 'storage.cachemb is not a known setting'],
      [[512], 'config field storage must be an object'],
    ] as const) {
      await expect(loadNodeConfig(write(storage), 'pw')).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining(says),
      });
    }
  });
});
