import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
