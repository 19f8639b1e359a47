import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const built = existsSync(CLI);
const run = promisify(execFile);

/** The parts of the record JSON the test changes. */
interface Rec {
  ballots: { ballot: { answers: { choices: string[] }[] } }[];
  tally: { weighted: string[] };
  result: { plain: number[][] };
}

/** `gongzhi demo committee-election` leaves its record; `gongzhi vote verify` checks it offline. */
describe.skipIf(!built)('gongzhi vote verify on a demo election record', () => {
  const tmp = tempDir('gongzhi-cli-vote-');
  const record = join(tmp.dir, 'committee-2027.record.json');
  const cli = (...args: string[]) => run(process.execPath, [CLI, ...args], { timeout: 120_000 });
  const fails = async (...args: string[]) => {
    try {
      await cli(...args);
    } catch (e) {
      return e as { code: number; stdout: string; stderr: string };
    }
    throw new Error('the command should have failed');
  };

  beforeAll(async () => {
    await cli('demo', 'committee-election', '--data', tmp.dir);
  }, 150_000);
  afterAll(() => tmp.remove());

  it('accepts the untouched record', async () => {
    const { stdout } = await cli('vote', 'verify', record);
    expect(stdout).toMatch(/✓ ballots\s+7 ballots/);
    expect(stdout).toMatch(/✓ decryptions/);
    expect(stdout).toMatch(/valid: all 7 checks passed/);
  });

  it('refuses a changed ballot, tally or result, naming the failed check', async () => {
    const json = JSON.parse(readFileSync(record, 'utf8')) as Rec;
    const cases: [string, (r: Rec) => void, string][] = [
      ['ballot', (r) => r.ballots[0]?.ballot.answers[0]?.choices.reverse(), 'VOTING_BAD_PROOF'],
      ['tally', (r) => r.tally.weighted.reverse(), 'VOTING_WRONG_RESULT'],
      [
        'result',
        (r) => {
          const q = r.result.plain[0] as number[];
          q[1] = (q[1] as number) + 1;
        },
        'VOTING_WRONG_RESULT',
      ],
    ];
    for (const [name, change, code] of cases) {
      const copy = structuredClone(json);
      change(copy);
      const file = join(tmp.dir, `bad-${name}.json`);
      writeFileSync(file, JSON.stringify(copy));
      const e = await fails('vote', 'verify', file);
      expect(e.code).toBe(1);
      expect(e.stdout).toContain(code);
    }
  });

  it('makes a credential whose public key is a 32-byte group element', async () => {
    const file = join(tmp.dir, 'cred.json');
    const { stdout } = await cli('vote', 'credential', file);
    expect(JSON.parse(stdout).publicKey).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(readFileSync(file, 'utf8')).seed).toMatch(/^[0-9a-f]{64}$/);
  });
});
