import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import { encryptKeystore, writeKeystoreFile } from '../../src/crypto/index.js';
import type { FundNet } from '../../src/demos/community-fund.js';
import { tempDir } from '../helpers/fixtures.js';
import { fundsScenario } from '../helpers/funds-scenario.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const run = promisify(execFile);

/** `gongzhi fund …` and `gongzhi donation trace` against a real node over HTTP (built CLI). */
describe.skipIf(!existsSync(CLI))('gongzhi fund and gongzhi donation trace', () => {
  const tmp = tempDir('gongzhi-cli-fund-');
  let f: FundNet | undefined;
  let server: RunningServer | undefined;
  let ids = { expense: 0, donation: 0 };
  const bankKey = join(tmp.dir, 'bank.json');
  let env: NodeJS.ProcessEnv = process.env;

  const cli = async (...args: string[]) =>
    (await run(process.execPath, [CLI, ...args, '--group', 'main'], { env })).stdout;
  const cliFails = async (...args: string[]) => {
    try {
      await run(process.execPath, [CLI, ...args, '--group', 'main'], { env });
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return err;
    }
    throw new Error('command succeeded but should have failed');
  };

  beforeAll(async () => {
    const s = await fundsScenario(join(tmp.dir, 'node'));
    f = s.f;
    ids = { expense: s.expense, donation: s.donation };
    server = await startServer(s.f.net.node, { host: '127.0.0.1', port: 0 });
    await writeKeystoreFile(
      bankKey,
      await encryptKeystore('ed25519', s.f.net.key('bank'), 'pw', { scryptN: 1024 }),
    );
    env = { ...process.env, GONGZHI_URL: server.url, GONGZHI_PASSWORD: 'pw' };
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await f?.stop();
    tmp.remove();
  });

  it('prints a donor’s trace without a key: fee share and each fen’s disbursement', async () => {
    const out = await cli('donation', 'trace', String(ids.donation));
    expect(out).toContain('CNY 100.00 from donor-abc');
    expect(out).toContain('management fee 2%: CNY 2.00; to the project: CNY 98.00');
    expect(out).toMatch(/CNY 98\.00 → disbursement 1 "Filters" \(paid, bank ref T-1\)/);
    expect(out).toContain('not yet disbursed: CNY 0.00');
    const json = JSON.parse(await cli('donation', 'trace', String(ids.donation), '--json')) as {
      allocated: number;
    };
    expect(json.allocated).toBe(9_800);
  });

  it('shows a fund’s public page and statement; the custodian posts income with its keystore', async () => {
    const show = JSON.parse(await cli('fund', 'show', 'maint')) as { fund: { balance: number } };
    expect(show.fund.balance).toBe(380_000);
    await cli(
      'fund',
      'income',
      'maint',
      '--amount',
      '700',
      '--category',
      'interest',
      '--reference',
      'CR-9',
      '--key',
      bankKey,
    );
    const st = JSON.parse(await cli('fund', 'statement', 'maint')) as {
      incomeByCategory: Record<string, number>;
      closing: number;
    };
    expect(st.incomeByCategory).toEqual({ fees: 500_000, interest: 700 });
    expect(st.closing).toBe(380_700);
  });

  it('a refused call exits 1 with its code and hint, and changes nothing', async () => {
    const before = await cli('fund', 'expense', String(ids.expense));
    const e = await cliFails('fund', 'pay', String(ids.expense), '--reference', 'DR-9', '--key', bankKey);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/error TX_FAILED: .*failed: FUNDS_BAD_STATE/);
    expect(e.stderr).toMatch(/hint: The expense/);
    expect(await cli('fund', 'expense', String(ids.expense))).toBe(before);
  });
});
