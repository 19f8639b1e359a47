import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type NetworkFile,
  networkDown,
  opensslAvailable,
  portFree,
  readPids,
} from '../../src/network/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { natsServerAvailable } from '../helpers/nats-cluster.js';
import { isAliveSafe, killOnExit, killPid, release, settle } from '../helpers/processes.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const built = existsSync(CLI);
const run = promisify(execFile);
const PASSWORD = 'datashare-two-nodes';

/** A random free port range in 32000–43999 (apart from the network CLI test's 20000–31999). */
async function freeBase(offsets: readonly number[]): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 32_000 + Math.floor(Math.random() * 11_500);
    const free = await Promise.all(offsets.map((d) => portFree('127.0.0.1', base + d)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port range');
}

/**
 * Issue 11 X across two real node processes of one SM2 network (`gongzhi network up`: one NATS
 * server, the police's node and civil affairs' node): civil affairs works through its own node,
 * fetches from the police's node (SM2 key exchange + SM4), and the audit is read on both nodes.
 */
describe.skipIf(!built || !natsServerAvailable() || !opensslAvailable())(
  'datashare between two node processes (sm2 network)',
  () => {
    const tmp = tempDir('gongzhi-ds2-');
    const dir = join(tmp.dir, 'net');
    const env = { ...process.env, GONGZHI_PASSWORD: PASSWORD };
    let police = '';
    let civil = '';
    const key = (org: string) => join(dir, 'keys', `${org}-admin.json`);
    const cli = async (...args: string[]) => {
      try {
        return (await run(process.execPath, [CLI, ...args], { env, cwd: tmp.dir })).stdout;
      } catch (e) {
        const err = e as Error & { stderr?: string };
        throw new Error(`gongzhi ${args.slice(0, 2).join(' ')} failed: ${err.stderr ?? err.message}`);
      }
    };
    const fails = async (...args: string[]) => {
      try {
        await run(process.execPath, [CLI, ...args], { env, cwd: tmp.dir });
      } catch (e) {
        return (e as { stderr: string }).stderr;
      }
      throw new Error('command succeeded but should have failed');
    };

    beforeAll(async () => {
      // NATS client/route/monitoring ports at +0/+100/+200, node APIs at +300/+301.
      const natsBase = await freeBase([0, 100, 200, 300, 301]);
      await cli(
        'network',
        'init',
        dir,
        '--orgs',
        'police,civil',
        '--nats',
        '1',
        '--crypto',
        'sm2',
        '--chain',
        'city-gov',
        '--base-port',
        String(natsBase + 300),
        '--nats-base-port',
        String(natsBase),
      );
      const net = JSON.parse(readFileSync(join(dir, 'network.json'), 'utf8')) as NetworkFile;
      police = net.nodes.find((n) => n.org === 'police')?.apiUrl as string;
      civil = net.nodes.find((n) => n.org === 'civil')?.apiUrl as string;
      await cli('network', 'up', dir, '--timeout', '90000');
      // Detached by `network up`: killed when this test process exits, even if afterAll is cut short.
      const pids = readPids(dir);
      for (const e of [...(pids?.nats ?? []), ...(pids?.nodes ?? [])]) killOnExit(e.pid);
    }, 150_000);

    afterAll(async () => {
      const pids = readPids(dir);
      const all = [...(pids?.nats ?? []), ...(pids?.nodes ?? [])];
      await settle(networkDown(dir, { timeoutMs: 10_000 }), 30_000);
      for (const e of all) if (isAliveSafe(e.pid)) killPid(e.pid);
      release(all.map((e) => e.pid).filter((pid) => !isAliveSafe(pid)));
      tmp.remove();
    }, 60_000);

    it('publishes on one node, requests and fetches through the other, audits, refuses after revocation', async () => {
      const file = join(tmp.dir, 'household.csv');
      writeFileSync(file, 'idHash,district\n3f2a,district-1\n9c1b,district-2\n'.repeat(500));
      const asPolice = ['--url', police, '--key', key('police')];
      const asCivil = ['--url', civil, '--key', key('civil')];
      await cli(
        'data',
        'publish',
        'household-register',
        ...asPolice,
        '--title',
        'Household registration (pseudonymised)',
        '--owner',
        'police',
        '--fields',
        'idHash:string,district:string',
        '--legal-basis',
        'Household Registration Regulations art. 3',
      );
      await cli(
        'data',
        'version',
        'household-register',
        ...asPolice,
        '--file',
        file,
        '--store',
        join(dir, 'data', 'police'),
      );
      await cli(
        'data',
        'request',
        'household-register',
        ...asCivil,
        '--dept',
        'civil',
        '--fields',
        'idHash,district',
        '--purpose',
        'marriage registration residence check',
        '--legal-basis',
        'Marriage Registration Regulations art. 5',
      );
      await cli('data', 'grant', '1', ...asPolice, '--expires-in', '600', '--max', '3');
      const out = join(tmp.dir, 'received.csv');
      const fetched = (from: string) =>
        ['data', 'fetch', '1', ...asCivil, '--dataset-version', '1', '--from', from, '--out', out] as const;
      const f = JSON.parse(await cli(...fetched(police))) as { verified: boolean; delivery: number };
      expect(f.verified).toBe(true);
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(file, 'utf8'));
      // The access audit, read on the police's node: the delivery civil affairs opened on its node, confirmed.
      const audit = JSON.parse(await cli('data', 'audit', '--url', police, '--dept', 'police')) as {
        total: number;
        deliveries: { id: number; grantee: string; confirmed?: unknown }[];
      };
      expect(audit.total).toBe(1);
      expect(audit.deliveries[0]).toMatchObject({ id: f.delivery, grantee: 'civil' });
      expect(audit.deliveries[0]?.confirmed).toBeDefined();
      await cli('data', 'revoke', '1', ...asPolice, '--reason', 'registration completed');
      expect(await fails(...fetched(police))).toMatch(/DATASHARE_REVOKED/);
    }, 120_000);
  },
);
