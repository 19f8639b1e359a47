import { type ChildProcess, execFile, fork } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const built = existsSync(CLI);
const run = promisify(execFile);

/**
 * A whole secret election through `gongzhi vote …` against a running demo node: the committee
 * grants the registrar role, three organisations' admins act as trustees (2 of 3), two owners vote
 * (one re-votes), two trustees decrypt, the result is published and the record verifies offline.
 */
describe.skipIf(!built)('gongzhi vote against a node', () => {
  const tmp = tempDir('gongzhi-vote-node-');
  const demo = join(tmp.dir, 'demo');
  const key = (org: string) => join(demo, 'keys', `${org}-admin.json`);
  let child: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv = process.env;
  const cli = async (...args: string[]) =>
    (await run(process.execPath, [CLI, ...args], { env, cwd: tmp.dir })).stdout;
  const json = async (...args: string[]) => JSON.parse(await cli(...args)) as Record<string, unknown>;
  const status = async (...args: string[]) => {
    try {
      return ((await json(...args)).receipt as { status: string }).status;
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      const out = err.stdout ?? '';
      return out.startsWith('{')
        ? (JSON.parse(out).receipt as { status: string }).status
        : `failed: ${err.stderr ?? ''}`;
    }
  };

  beforeAll(async () => {
    const c = fork(CLI, ['start', '--demo', '--data', demo, '--port', '0', '--log-level', 'warn'], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child = c;
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('demo node did not start')), 60_000);
      c.on('message', (m: { ready?: boolean; url?: string }) => {
        if (m.ready && m.url) {
          clearTimeout(t);
          resolve(m.url);
        }
      });
      c.on('exit', (code) => reject(new Error(`demo node exited with ${code}`)));
    });
    env = { ...process.env, GONGZHI_PASSWORD: 'gongzhi-demo', GONGZHI_URL: url };
  }, 90_000);

  afterAll(async () => {
    const c = child;
    if (c !== undefined && c.exitCode === null) {
      c.kill('SIGTERM');
      const exited = await Promise.race([
        new Promise((r) => c.once('exit', () => r(true))),
        new Promise((r) => setTimeout(() => r(false), 10_000)),
      ]);
      if (!exited) c.kill('SIGKILL');
    }
    tmp.remove();
  });

  it('runs create → keygen → enrol → open → cast → close → decrypt → tally → verify', async () => {
    const addr = async (org: string) => (await json('key', 'show', key(org))).address as string;
    const registrar = await addr('civil-affairs');
    const grant = JSON.stringify({ type: 'grantRole', account: registrar, role: 'voting-registrar' });
    const proposed = (await json('governance', 'propose', grant, '--key', key('civil-affairs'))) as {
      receipt: { status: string; events: { name: string; data: { id: number } }[] };
    };
    expect(proposed.receipt.status).toBe('ok');
    const id = String(proposed.receipt.events.find((e) => e.name === 'proposed')?.data.id);
    for (const org of ['community', 'hospital', 'bank'])
      await cli('governance', 'vote', id, '--key', key(org));
    const trustees = ['civil-affairs', 'community', 'hospital'];
    const q = join(tmp.dir, 'q.json');
    writeFileSync(
      q,
      JSON.stringify([{ question: 'Committee', answers: ['Chen', 'Liu', 'Zhao'], min: 0, max: 2 }]),
    );
    const trusteeAddrs = await Promise.all(trustees.map(addr));
    expect(
      await status(
        'vote',
        'create',
        'c1',
        '--kind',
        'election',
        '--title',
        'Committee',
        '--questions',
        q,
        '--trustees',
        trusteeAddrs.join(','),
        '--threshold',
        '2',
        '--key',
        key('civil-affairs'),
      ),
    ).toBe('ok');
    const creds = ['o1', 'o2'].map((o) => join(tmp.dir, `${o}.json`));
    const pks: string[] = [];
    for (const c of creds) pks.push((await json('vote', 'credential', c)).publicKey as string);
    const voters = join(tmp.dir, 'voters.json');
    writeFileSync(
      voters,
      JSON.stringify(pks.map((credential, i) => ({ credential, weight: 9000 + i * 1000 }))),
    );
    expect(await status('vote', 'enrol', 'c1', voters, '--key', key('civil-affairs'))).toBe('ok');
    for (const round of [1, 2]) {
      for (const [i, t] of trustees.entries()) {
        const s = await status(
          'vote',
          'trustee',
          'keygen',
          'c1',
          '--index',
          String(i + 1),
          '--seed',
          join(tmp.dir, `t${i + 1}.json`),
          '--key',
          key(t),
        );
        expect(s, `round ${round} trustee ${i + 1}`).toBe('ok');
      }
    }
    expect(await status('vote', 'freeze', 'c1', '--key', key('civil-affairs'))).toBe('ok');
    // The complaint round: every share checks out; a complaint anyway (trustee 1 against 2) holds
    // the opening until trustee 2 reveals its share for 1, which matches its commitments.
    const seedOf = (i: number) => join(tmp.dir, `t${i}.json`);
    const checked = await json('vote', 'trustee', 'check', 'c1', '--index', '1', '--seed', seedOf(1));
    expect(checked.bad).toEqual([]);
    expect(
      await status(
        'vote',
        'trustee',
        'complain',
        'c1',
        '--against',
        '2',
        '--key',
        key(trustees[0] as string),
      ),
    ).toBe('ok');
    expect(await status('vote', 'open', 'c1', '--key', key('civil-affairs'))).toBe(
      'VOTING_COMPLAINT_PENDING',
    );
    expect(
      await status(
        'vote',
        'trustee',
        'reveal',
        'c1',
        '--complainer',
        '1',
        '--seed',
        seedOf(2),
        '--key',
        key(trustees[1] as string),
      ),
    ).toBe('ok');
    expect(
      await status('vote', 'trustee', 'disqualify', 'c1', '--trustee', '2', '--key', key('civil-affairs')),
    ).toBe('VOTING_NO_COMPLAINT');
    expect(await status('vote', 'open', 'c1', '--key', key('civil-affairs'))).toBe('ok');
    const anyKey = key('bank');
    expect(
      await status(
        'vote',
        'cast',
        'c1',
        '--credential',
        creds[0] as string,
        '--choices',
        '1,1,0',
        '--key',
        anyKey,
      ),
    ).toBe('ok');
    expect(
      await status(
        'vote',
        'cast',
        'c1',
        '--credential',
        creds[1] as string,
        '--choices',
        '0,1,0',
        '--key',
        anyKey,
      ),
    ).toBe('ok');
    expect(
      await status(
        'vote',
        'cast',
        'c1',
        '--credential',
        creds[1] as string,
        '--choices',
        '0,0,1',
        '--seq',
        '2',
        '--key',
        anyKey,
      ),
    ).toBe('ok');
    expect(
      await status(
        'vote',
        'cast',
        'c1',
        '--credential',
        creds[0] as string,
        '--choices',
        '1,1,1',
        '--seq',
        '2',
        '--key',
        anyKey,
      ),
    ).toMatch(/choose 0\.\.2/);
    // The demo node runs one verify worker: the three ballots' proofs were checked on it at
    // admission, none on the thread that serves HTTP.
    const jobs = async () => {
      const metrics = await (await fetch(`${env.GONGZHI_URL}/metrics`)).text();
      const on = (thread: string) =>
        [...metrics.matchAll(/^gongzhi_admit_jobs_total\{([^}]*)\} (\d+)$/gm)]
          .filter((m) => (m[1] ?? '').includes(`thread="${thread}"`))
          .reduce((n, m) => n + Number(m[2]), 0);
      return { worker: on('worker'), main: on('main') };
    };
    expect(await jobs()).toEqual({ worker: 3, main: 0 });
    // An open resolution's vote: its credential signature is checked on the worker too.
    const sign = ['--key', key('civil-affairs')];
    expect(
      await status(
        'vote',
        'create',
        'r1',
        '--kind',
        'resolution',
        '--title',
        'Lift',
        '--matter',
        'ordinary',
        ...sign,
      ),
    ).toBe('ok');
    const resVoters = join(tmp.dir, 'res-voters.json');
    writeFileSync(resVoters, JSON.stringify([{ credential: pks[0], weight: 100 }]));
    expect(await status('vote', 'enrol', 'r1', resVoters, ...sign)).toBe('ok');
    expect(await status('vote', 'freeze', 'r1', ...sign)).toBe('ok');
    expect(await status('vote', 'open', 'r1', ...sign)).toBe('ok');
    expect(
      await status(
        'vote',
        'cast',
        'r1',
        '--credential',
        creds[0] as string,
        '--choice',
        'yes',
        '--key',
        anyKey,
      ),
    ).toBe('ok');
    expect(await jobs()).toEqual({ worker: 4, main: 0 });
    expect(await status('vote', 'close', 'c1', '--key', key('civil-affairs'))).toBe('ok');
    for (const i of [2, 3]) {
      expect(
        await status(
          'vote',
          'trustee',
          'decrypt',
          'c1',
          '--index',
          String(i),
          '--seed',
          join(tmp.dir, `t${i}.json`),
          '--key',
          key(trustees[i - 1] as string),
        ),
      ).toBe('ok');
    }
    expect(await status('vote', 'tally', 'c1', '--key', anyKey)).toBe('ok');
    const rec = join(tmp.dir, 'c1.record.json');
    const shownElection = (await json('vote', 'show', 'c1', '--record', rec)) as {
      result: { plain: number[][]; weighted: number[][] };
    };
    expect(shownElection.result.plain).toEqual([[1, 1, 1]]);
    expect(shownElection.result.weighted).toEqual([[9000, 9000, 10000]]);
    expect(await cli('vote', 'verify', rec)).toMatch(/valid: all 7 checks passed/);
    // The record carries the complaint round: one complaint, answered with the revealed share.
    const dkg = (JSON.parse(readFileSync(rec, 'utf8')) as { dkg?: { complaints: { share?: string }[] } }).dkg;
    expect(dkg?.complaints).toHaveLength(1);
    expect(dkg?.complaints[0]?.share).toMatch(/^[0-9a-f]{64}$/);
  }, 240_000);
});
