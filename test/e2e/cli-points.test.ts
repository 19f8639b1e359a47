import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import { encryptKeystore, writeKeystoreFile } from '../../src/crypto/index.js';
import { Scenario } from '../../src/demos/points-kit.js';
import { DAY_MS } from '../../src/modules/points/index.js';
import { tempDir } from '../helpers/fixtures.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const run = promisify(execFile);
const PEOPLE = ['issuer', 'bureau', 'bank', 'dist', 'insurer', 'shop', 'alice', 'vvb'];

/** `gongzhi points …` against a real node over HTTP (built CLI, real keystores and signatures). */
describe.skipIf(!existsSync(CLI))('gongzhi points', () => {
  const tmp = tempDir('gongzhi-cli-points-');
  let s: Scenario | undefined;
  let server: RunningServer | undefined;
  let env: NodeJS.ProcessEnv = process.env;
  const keyOf = (who: string) => join(tmp.dir, `${who}.json`);
  const addr = (who: string) => (s as Scenario).addr(who);
  // every child is killed after a bounded wait, even if a hook times out
  const opts = () => ({ env, timeout: 60_000, killSignal: 'SIGKILL' as const });
  const cli = async (who: string | undefined, ...args: string[]) =>
    (await run(process.execPath, [CLI, 'points', ...args, ...(who ? ['--key', keyOf(who)] : [])], opts()))
      .stdout;
  const fails = async (who: string, ...args: string[]) => {
    try {
      await run(process.execPath, [CLI, 'points', ...args, '--key', keyOf(who)], opts());
    } catch (e) {
      return e as { code: number; stdout: string; stderr: string };
    }
    throw new Error('command succeeded but should have failed');
  };

  beforeAll(async () => {
    s = await Scenario.start({ dataDir: join(tmp.dir, 'node'), log: () => {} }, 'cli-points', [
      { id: 'issuer', name: 'Issuer', roles: ['points-issuer'] },
      { id: 'bureau', name: 'Supervisor', roles: ['points-supervisor'] },
    ]);
    server = await startServer(s.node, { host: '127.0.0.1', port: 0 });
    for (const who of PEOPLE) {
      await writeKeystoreFile(
        keyOf(who),
        await encryptKeystore('ed25519', s.key(who), 'pw', { scryptN: 1024 }),
      );
    }
    env = { ...process.env, GONGZHI_URL: server.url, GONGZHI_PASSWORD: 'pw' };
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await s?.close();
    tmp.remove();
  });

  it('shows every flow’s argument names in --help', async () => {
    const help = await cli(undefined, '--help');
    for (const c of [
      'create',
      'approve',
      'grant',
      'fund',
      'confirm-funding',
      'consent-quota',
      'allot',
      'join',
      'claim',
      'redeem',
      'close-period',
      'dispute',
      'breakage',
      'area',
    ])
      expect(help).toContain(c);
    const claim = await cli(undefined, 'claim', '--help');
    for (const o of [
      '--user',
      '--kind',
      '--quantity',
      '--from',
      '--to',
      '--device',
      '--evidence',
      '--measured-by',
    ])
      expect(claim).toContain(o);
  });

  it('runs a programme: create, approve, roles, bank-confirmed funding, consented quota, award, redeem, settle', async () => {
    const programFile = join(tmp.dir, 'program.json');
    writeFileSync(
      programFile,
      JSON.stringify({
        id: 'green',
        name: 'Green travel',
        unit: 'CP',
        precision: 2,
        currency: 'CNY',
        value: 1,
        clearing: addr('bank'),
        supervisors: [addr('bureau')],
        expiry: {},
        transfer: 'none',
        closedLoop: true,
        claimWindowMs: 7 * DAY_MS,
        methodology: {
          name: 'walking',
          rules: [
            {
              kind: 'walk',
              unit: 'm',
              divisor: 1000,
              roundTo: 0,
              maxPerDay: 50_000,
              maxRatePerDay: 240_000,
              variants: {
                default: { baselineMg: 273_000, projectMg: 0, pointsPerBase: 0, pointsPerKg: 100 },
              },
            },
          ],
        },
      }),
    );
    await cli('issuer', 'create', `@${programFile}`);
    await cli('bureau', 'approve', 'green');
    await cli('issuer', 'grant', 'green', 'distributor', addr('dist'));
    await cli('issuer', 'grant', 'green', 'sponsor', addr('insurer'));
    await cli('issuer', 'grant', 'green', 'platform', addr('shop'));
    await cli('insurer', 'fund', 'green', '100000');
    await cli('bank', 'confirm-funding', 'green', addr('insurer'), '100000');
    await cli('insurer', 'consent-quota', 'green', addr('dist'), '5000');
    await cli('issuer', 'allot', 'green', addr('dist'), '5000', '--sponsor', addr('insurer'));
    await cli('alice', 'join', 'green', '--consent', 'alice consents to trip data use, v1');
    const end = Date.now() - 3_600_000;
    await cli(
      'dist',
      'claim',
      'green',
      '--user',
      addr('alice'),
      '--kind',
      'walk',
      '--quantity',
      '4000',
      '--from',
      String(end - 3_600_000),
      '--to',
      String(end),
      '--device',
      'alice phone',
      '--evidence',
      'gps trace 1',
      '--measured-by',
      'phone-gps',
    );
    await cli('shop', 'list-item', 'green', 'gift', '--name', 'Gift', '--price', '50');
    const balance = async () =>
      (JSON.parse(await cli(undefined, 'balance', 'green', addr('alice'))) as { balance: number }).balance;
    // 4 km × 273 g = 1.092 kg → 109 points (0.01 CP units)
    expect(await balance()).toBe(109);
    // a stale price is refused with its code; nothing changes
    const stale = await fails('alice', 'redeem', 'green', addr('shop'), 'gift', '--price', '40');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('POINTS_PRICE_CHANGED');
    expect(await balance()).toBe(109);
    await cli('alice', 'redeem', 'green', addr('shop'), 'gift', '--price', '50');
    expect(await balance()).toBe(59);
    await cli('bank', 'close-period', 'CNY');
    const period = JSON.parse(await cli(undefined, 'period', 'CNY', addr('bank'), '1')) as {
      programs: { settledMoney: number }[];
    };
    expect(period.programs[0]?.settledMoney).toBe(50);
  }, 120_000);

  it('round 2: a verifier’s units, the device registry, a consent record, a signed balance read', async () => {
    const json = async (who: string | undefined, ...args: string[]) => JSON.parse(await cli(who, ...args));
    await cli('bureau', 'grant', 'green', 'verifier', addr('vvb'));
    await cli('vvb', 'validate', 'green', '1', '--opinion', 'negative', '--report', 'validation report');
    // period 1 measured 1,092 g under version 1: one unit of 1 kg
    await cli('vvb', 'verify', 'green', '1', '1', '--grams', '1000', '--report', 'verification report');
    await cli(
      'issuer',
      'use-units',
      'green',
      '1',
      '1',
      'retire',
      '1',
      '--party',
      'library',
      '--note',
      'offset',
    );
    const units = await json(undefined, 'units', 'green');
    expect(units.batches[0]).toMatchObject({ claimedG: 1092, verifiedG: 1000, retired: 1, available: null });
    await cli(
      'dist',
      'device',
      'register',
      'green',
      'alice obd',
      '--asset',
      'plate A1',
      '--measured-by',
      'obd',
      '--member',
      addr('alice'),
    );
    await cli('alice', 'device', 'bind', 'alice obd', '--consent', 'alice binds her obd');
    expect((await json(undefined, 'device', 'show', 'alice obd')).status).toBe('active');
    await cli(
      'alice',
      'consent',
      'give',
      'green',
      addr('dist'),
      '--kinds',
      'walk',
      '--purpose',
      'points',
      '--source',
      'phone',
      '--text',
      'consent v1',
    );
    expect((await json(undefined, 'consent', 'list', 'green', addr('alice'))).consents[0].kinds).toEqual([
      'walk',
    ]);
    expect((await json('alice', 'my-balance', 'green')).balance).toBe(59);
    expect((await json(undefined, 'supervision', 'green', '--period', '1')).byMethodology).toEqual({
      v1: 1092,
    });
  }, 120_000);

  it('item 14: areas, an auditor’s dispute that holds and claws back an award, a breakage schedule', async () => {
    const json = async (who: string | undefined, ...args: string[]) => JSON.parse(await cli(who, ...args));
    await cli('issuer', 'area', 'define', 'green', 'jinsong');
    await cli('issuer', 'area', 'define', 'green', 'c-east', '--street', 'jinsong');
    await cli('alice', 'area', 'set', 'green', 'c-east');
    // her own request is pending until the registrar (the issuer) confirms it, as a recorded move
    expect(await json(undefined, 'area', 'member', 'green', addr('alice'))).toMatchObject({
      area: '',
      pending: { area: 'c-east' },
      moves: [],
    });
    const unasked = await fails('issuer', 'area', 'confirm', 'green', addr('alice'), 'nowhere');
    expect(unasked.stderr).toContain('POINTS_NOT_FOUND');
    await cli('issuer', 'area', 'confirm', 'green', addr('alice'), 'c-east');
    expect(await json(undefined, 'area', 'member', 'green', addr('alice'))).toMatchObject({
      area: 'c-east',
      moves: [{ n: 1, to: 'c-east', by: addr('issuer') }],
    });
    // the registrar names, then changes, c-east's community worker (issue 17)
    const named = await cli('issuer', 'area', 'worker', 'green', 'c-east', addr('insurer'));
    expect(named).toContain('areaWorkerChanged');
    const again = await fails('issuer', 'area', 'worker', 'green', 'c-east', addr('insurer'));
    expect(again.stderr).toContain('POINTS_INVALID_STATE');
    const end = Date.now() - 20 * 60_000;
    const claimed = await cli(
      'dist',
      'claim',
      'green',
      '--user',
      addr('alice'),
      '--kind',
      'walk',
      '--quantity',
      '2000',
      '--from',
      String(end - 30 * 60_000),
      '--to',
      String(end),
      '--device',
      'alice phone',
      '--evidence',
      'gps trace 2',
      '--measured-by',
      'phone-gps',
    );
    const claim = /"claim":\s*"(?:0x)?([0-9a-f]{64})"/.exec(claimed)?.[1];
    expect(claim).toBeDefined();
    // every device a claim names is counted, registered or not (the anomaly report, --all)
    const devices = await json(undefined, 'device', 'anomalies', 'green', '--all');
    expect(devices.rows).toContainEqual(
      expect.objectContaining({ registered: false, claims: 1, reasons: [] }),
    );
    expect((await json(undefined, 'device', 'anomalies', 'green')).rows).toEqual([]);
    // 2 km × 273 g = 546 g → 54 points: 59 + 54
    await cli('vvb', 'dispute', 'open', 'green', claim as string, '--reason', 'the camera shows a bus');
    await cli('alice', 'redeem', 'green', addr('shop'), 'gift', '--price', '50');
    const held = await fails('alice', 'redeem', 'green', addr('shop'), 'gift', '--price', '50');
    expect(held.stderr).toContain('POINTS_HELD');
    await cli(
      'bureau',
      'dispute',
      'decide',
      'green',
      '1',
      '--outcome',
      'upheld',
      '--report',
      'bureau report',
    );
    expect(await json(undefined, 'dispute', 'show', 'green', '1')).toMatchObject({
      status: 'upheld',
      decision: { clawedBack: 54, fromBalance: 54, owed: 0 },
    });
    expect((await json(undefined, 'dispute', 'list', 'green')).count).toBe(1);
    expect((await json(undefined, 'balance', 'green', addr('alice'))).balance).toBe(9);
    const from = (s as Scenario).group.latest.height + 5;
    await cli('issuer', 'breakage', 'set', 'green', 'scheme', '--from-height', String(from));
    expect((await json(undefined, 'breakage', 'show', 'green')).schedule).toMatchObject([
      { fromHeight: from, policy: 'scheme' },
    ]);
    const report = await json(undefined, 'area', 'report', 'green');
    expect(report.areas[1]).toMatchObject({
      area: 'c-east',
      claims: 1,
      awarded: 54,
      redeemed: 50,
      clawedBack: 54,
    });
    expect(report.streets[0]).toMatchObject({ street: 'jinsong', awarded: 54 });
  }, 120_000);
});
