import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Expiring, MemorySecrets } from '../../src/credentials/expiring.js';
import { PENDING_SECRETS_FILE, PendingSecretStore } from '../../src/storage/index.js';
import { tempDir } from '../helpers/fixtures.js';

describe('pending OpenID secrets (SQLite and memory backends alike)', () => {
  const tmp = tempDir('gongzhi-pending-');
  const path = join(tmp.dir, PENDING_SECRETS_FILE);
  let t = 1000;
  const now = () => t;
  afterAll(() => tmp.remove());

  for (const [name, make] of [
    ['sqlite', () => PendingSecretStore.open(path)],
    ['memory', () => new MemorySecrets()],
  ] as const) {
    it(`${name}: expires, takes once, bounds a kind, keeps kinds apart`, () => {
      const b = make();
      const codes = new Expiring<{ n: number }>(b, 'code', 3, now);
      const other = new Expiring<{ n: number }>(b, 'token', 3, now);
      codes.set(`${name}-a`, { n: 1 }, 10);
      expect(other.get(`${name}-a`)).toBeUndefined();
      expect(codes.get(`${name}-a`)).toEqual({ n: 1 });
      expect(codes.update(`${name}-a`, { n: 2 })).toBe(true);
      expect(codes.take(`${name}-a`)).toEqual({ n: 2 });
      expect(codes.take(`${name}-a`)).toBeUndefined();
      expect(codes.update(`${name}-a`, { n: 3 })).toBe(false);
      codes.set(`${name}-b`, { n: 1 }, 10);
      t += 10;
      expect(codes.get(`${name}-b`)).toBeUndefined();
      expect(codes.take(`${name}-b`)).toBeUndefined();
      for (const k of ['c', 'd', 'e', 'f']) codes.set(`${name}-${k}`, { n: 0 }, 100);
      // At most 3: the first of the four is gone.
      expect(codes.get(`${name}-c`)).toBeUndefined();
      expect(['d', 'e', 'f'].map((k) => codes.get(`${name}-${k}`)?.n)).toEqual([0, 0, 0]);
      if (b instanceof PendingSecretStore) b.close();
    });
  }

  it('survives a reopen, and the file holds no secret in clear', () => {
    const a = PendingSecretStore.open(path);
    new Expiring<string>(a, 'code', 10, now).set('the-secret-code-XYZ', 'offer-1', 100);
    a.close();
    const b = PendingSecretStore.open(path);
    expect(new Expiring<string>(b, 'code', 10, now).take('the-secret-code-XYZ')).toBe('offer-1');
    b.close();
    const c = PendingSecretStore.open(path);
    expect(new Expiring<string>(c, 'code', 10, now).get('the-secret-code-XYZ')).toBeUndefined();
    c.close();
    for (const f of [path, `${path}-wal`]) {
      let bytes = '';
      try {
        bytes = readFileSync(f, 'latin1');
      } catch {
        // no WAL file after a clean close
      }
      expect(bytes.includes('the-secret-code-XYZ')).toBe(false);
    }
  });
});
