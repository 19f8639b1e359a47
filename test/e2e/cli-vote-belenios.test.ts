import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTx } from '../../src/ledger/index.js';
import { GroupStore } from '../../src/storage/index.js';
import { exportArchive, readArchive } from '../../src/voting-crypto/belenios/index.js';
import { tempDir } from '../helpers/fixtures.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const built = existsSync(CLI);
const run = promisify(execFile);
/** Debian's independent verifier (`apt-get install belenios-tool`); CI installs it. */
const BELENIOS_TOOL = '/usr/bin/belenios-tool';
const haveTool = existsSync(BELENIOS_TOOL);
if (!haveTool)
  console.warn(
    'cli-vote-belenios: belenios-tool is not installed (apt-get install belenios-tool); its checks are skipped',
  );

const beleniosVerify = (dir: string) =>
  spawnSync(BELENIOS_TOOL, ['election', 'verify', '--dir', dir], { encoding: 'utf8', timeout: 120_000 });

/**
 * `gongzhi demo committee-election --vote-group BELENIOS-2048` runs the election on our ledger in
 * Belenios' group and leaves `<data>/belenios/<uuid>.bel`; Belenios' own verifier accepts it and
 * refuses it with a changed ballot or result; so does `gongzhi vote belenios verify`.
 */
describe.skipIf(!built)('BELENIOS-2048 committee election: the .bel export and belenios-tool', () => {
  const tmp = tempDir('gongzhi-cli-vote-belenios-');
  const dir = join(tmp.dir, 'belenios');
  let archive = '';
  const cli = (...args: string[]) => run(process.execPath, [CLI, ...args], { timeout: 240_000 });

  beforeAll(async () => {
    await cli('demo', 'committee-election', '--data', tmp.dir, '--vote-group', 'BELENIOS-2048');
    const bels = readdirSync(dir).filter((f) => f.endsWith('.bel'));
    expect(bels).toHaveLength(1);
    archive = join(dir, bels[0] as string);
  }, 300_000);
  afterAll(() => tmp.remove());

  it('our verifier accepts the archive and finds the weighted result', async () => {
    const { stdout } = await cli('vote', 'belenios', 'verify', archive);
    const v = JSON.parse(stdout) as { valid: boolean; ballots: number; result: number[][] };
    expect(v.valid).toBe(true);
    expect(v.ballots).toBe(7);
    // The archive also holds owner 3's superseded first ballot (ledger order; Belenios counts the last).
    expect(readArchive(new Uint8Array(readFileSync(archive))).ballots).toHaveLength(8);
    // Final ballots: owner 3's re-vote replaced [1,0,0,1],[0].
    expect(v.result).toEqual([
      [90 + 98 + 65, 90 + 120 + 75 + 143 + 98, 120 + 110, 75 + 110],
      [90 + 120 + 75 + 143 + 110 + 65],
    ]);
  });

  it.skipIf(!haveTool)('belenios-tool election verify: all checks passed', () => {
    const v = beleniosVerify(dir);
    expect(v.stderr).toContain('all checks passed');
    expect(v.status).toBe(0);
  });

  it('a changed ballot or result fails both verifiers (the archive rewritten with consistent file hashes)', async () => {
    const rec = readArchive(new Uint8Array(readFileSync(archive)));
    const digit = (s: string, field: string) =>
      s.replace(new RegExp(`"${field}":"(\\d)`), (_m, d: string) => `"${field}":"${d === '1' ? '2' : '1'}`);
    const result = JSON.parse(rec.result ?? '{}') as { result: number[][] };
    (result.result[0] as number[])[0] = ((result.result[0] as number[])[0] as number) + 1;
    const cases: [string, typeof rec][] = [
      ['ballot', { ...rec, ballots: [digit(rec.ballots[0] as string, 'response'), ...rec.ballots.slice(1)] }],
      ['result', { ...rec, result: JSON.stringify(result) }],
    ];
    for (const [name, bad] of cases) {
      const d = join(tmp.dir, `bad-${name}`);
      mkdirSync(d, { recursive: true });
      const file = join(d, 'election.bel');
      writeFileSync(file, exportArchive(bad));
      await expect(cli('vote', 'belenios', 'verify', file), name).rejects.toMatchObject({ code: 1 });
      if (haveTool) {
        const v = beleniosVerify(d);
        expect(v.status, name).not.toBe(0);
        expect(v.stderr, name).not.toContain('all checks passed');
      }
    }
  });

  it('the demo’s export, read through the per-election index, is byte-identical to one read from the whole history', () => {
    /** The demo's ledger file (`main.sqlite`, somewhere under the data directory). */
    const find = (d: string): string | undefined => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (f === 'main.sqlite') return p;
        const sub = statSync(p).isDirectory() ? find(p) : undefined;
        if (sub !== undefined) return sub;
      }
      return undefined;
    };
    const file = find(tmp.dir);
    expect(file).toBeDefined();
    const store = new GroupStore(file as string, { check: false });
    try {
      const id = 'committee-2027';
      const bodyOf = (hash: Uint8Array) => {
        const args = decodeTx(store.tx(hash)?.tx ?? new Uint8Array()).body.args;
        return args as { election?: unknown; ballot?: unknown };
      };
      // The reading from before the index: every voting transaction, each accepted ballot's body.
      const whole = store
        .txEntriesBy('module', 'voting', 100_000)
        .reverse()
        .filter((t) => t.method === 'beleniosCast' && t.status === 'ok')
        .map((t) => bodyOf(t.hash))
        .filter((a) => a.election === id)
        .map((a) => a.ballot as string);
      const indexed = store.txEntriesBySubject('voting', id, 100_000);
      expect(indexed.length).toBeLessThan(store.txEntriesBy('module', 'voting', 100_000).length);
      expect(indexed.every((t) => t.method === 'beleniosCast' && bodyOf(t.hash).election === id)).toBe(true);
      const bytes = new Uint8Array(readFileSync(archive));
      const rec = readArchive(bytes);
      expect(whole).toHaveLength(8);
      expect(rec.ballots).toEqual(whole);
      expect(Buffer.compare(exportArchive({ ...rec, ballots: whole }), bytes)).toBe(0);
    } finally {
      store.close();
    }
  });
});
