import { type ChildProcess, execFile, fork } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { stopChild, track } from '../helpers/processes.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const built = existsSync(CLI);
const run = promisify(execFile);

/** The README's five-minute tour, run against a real demo node started by the real CLI. */
describe.skipIf(!built)('the README tour through the gongzhi CLI', () => {
  const tmp = tempDir('gongzhi-tour-');
  const demo = join(tmp.dir, 'demo');
  let child: ChildProcess;
  let env: NodeJS.ProcessEnv;

  const cli = async (...args: string[]) => {
    try {
      return (await run(process.execPath, [CLI, ...args], { env, cwd: tmp.dir })).stdout;
    } catch (e) {
      // What the command printed, for the failure message (execFile's error names only the command).
      const x = e as Error & { stdout?: string; stderr?: string };
      throw new Error(`${x.message}\nstdout: ${x.stdout ?? ''}\nstderr: ${x.stderr ?? ''}`);
    }
  };
  const cliFails = async (...args: string[]) => {
    try {
      await run(process.execPath, [CLI, ...args], { env, cwd: tmp.dir });
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
    throw new Error('command succeeded but should have failed');
  };

  beforeAll(async () => {
    child = track(
      fork(CLI, ['start', '--demo', '--data', demo, '--port', '0', '--log-level', 'warn'], {
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      }),
    );
    const banner: string[] = [];
    child.stdout?.on('data', (d: Buffer) => banner.push(d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('demo node did not start')), 60_000);
      child.on('message', (m: { ready?: boolean; url?: string }) => {
        if (m.ready && m.url) {
          clearTimeout(t);
          resolve(m.url);
        }
      });
      child.on('exit', (code) => reject(new Error(`demo node exited with ${code}`)));
    });
    env = { ...process.env, GONGZHI_PASSWORD: 'gongzhi-demo', GONGZHI_URL: url };
    await new Promise((r) => setTimeout(r, 100));
    expect(banner.join('')).toMatch(/OpenAPI: +http:\/\/127\.0\.0\.1:\d+\/openapi\.json/);
  });

  afterAll(async () => {
    await stopChild(child, 5000);
    tmp.remove();
  });

  it('status shows both demo groups with seeded blocks', async () => {
    const s = JSON.parse(await cli('status')) as { groups: { id: string; height: number }[]; suite: string };
    expect(s.suite).toBe('ed25519');
    expect(s.groups.map((g) => g.id).sort()).toEqual(['governance', 'health']);
    expect(s.groups.find((g) => g.id === 'governance')?.height).toBeGreaterThan(5);
  });

  it('anchors a file, verifies it online and then offline from the saved certificate', async () => {
    const file = join(tmp.dir, 'minutes.txt');
    writeFileSync(file, 'residents meeting, 2026-11-21: approved');
    const key = join(demo, 'keys', 'community-admin.json');
    const anchored = JSON.parse(await cli('evidence', 'anchor', file, '--key', key, '--type', 'minutes')) as {
      status: string;
      receipt: { status: string };
      height: number;
    };
    expect(anchored.status).toBe('committed');
    expect(anchored.receipt.status).toBe('ok');
    const trusted = join(demo, 'genesis', 'governance.json');
    const cert = join(tmp.dir, 'minutes.cert.json');
    // for people: one ✓ line per check, the summary, then what was proven
    const online = await cli('evidence', 'verify', file, '--save', cert, '--trusted', trusted);
    expect(online).toMatch(/^ {2}✓ digest +the file's sha256 digest is the certificate digest/m);
    expect(online).toMatch(/^ {2}✓ anchor\.blockSignatures +signed by /m);
    expect(online).toMatch(/^ {2}valid: all \d+ checks passed$/m);
    // the genesis is the trust root: group checked, a finality quorum of the five organisations signed
    expect(online).toMatch(
      /^trust: genesis of gongzhi-demo\/governance, 5 organisations; finality quorum 4/m,
    );
    expect(online).toMatch(
      /^block FINAL: signed by 5 organisation\(s\): bank, civil-affairs, community, court, hospital$/m,
    );
    expect(online).not.toContain('✗');
    expect(online).toMatch(/^anchored: block \d+ at /m);
    const offline = JSON.parse(
      await cli('evidence', 'verify', file, '--cert', cert, '--trusted', trusted, '--json'),
    ) as { valid: boolean; errors: string[]; checks: { name: string; ok: boolean; detail: string }[] };
    expect(offline.valid).toBe(true);
    expect(offline.errors).toEqual([]);
    expect(offline.checks.map((c) => c.name)).toContain('anchor.txInclusion');
    // a changed file fails, with exit status 2, naming the check, its code and the code's hint
    writeFileSync(file, 'residents meeting, 2026-11-21: rejected');
    const tampered = await cliFails('evidence', 'verify', file, '--cert', cert, '--trusted', trusted);
    expect(tampered.code).toBe(2);
    expect(tampered.stdout).toMatch(
      /^ {2}✗ digest +EVIDENCE_DIGEST_MISMATCH +the file's sha256 digest differs/m,
    );
    expect(tampered.stdout).toMatch(
      /^ +hint: The file \(or digest\) is not the one the certificate is about/m,
    );
    expect(tampered.stdout).toMatch(/^ {2}INVALID: 1 of \d+ checks failed \(EVIDENCE_DIGEST_MISMATCH\)$/m);
    const tamperedJson = await cliFails(
      'evidence',
      'verify',
      file,
      '--cert',
      cert,
      '--trusted',
      trusted,
      '--json',
    );
    expect(tamperedJson.code).toBe(2);
    expect(JSON.parse(tamperedJson.stdout)).toMatchObject({
      valid: false,
      errors: ['EVIDENCE_DIGEST_MISMATCH'],
    });
    const block = JSON.parse(await cli('block', 'get', String(anchored.height))) as {
      header: { txCount: number };
    };
    expect(block.header.txCount).toBeGreaterThanOrEqual(1);
  });

  it('batch-anchors files and verifies one of them with its portable proof', async () => {
    const files = ['a', 'b', 'c'].map((n) => {
      const f = join(tmp.dir, `${n}.txt`);
      writeFileSync(f, `file ${n}`);
      return f;
    });
    const out = join(tmp.dir, 'proofs');
    const key = join(demo, 'keys', 'hospital-admin.json');
    const batch = JSON.parse(await cli('evidence', 'batch', ...files, '--key', key, '--out', out)) as {
      files: number;
    };
    expect(batch.files).toBe(3);
    const v = JSON.parse(
      await cli(
        'evidence',
        'verify',
        files[1] as string,
        '--proof',
        join(out, 'b.txt.proof.json'),
        '--trusted',
        join(demo, 'genesis', 'governance.json'),
        '--json',
      ),
    ) as { valid: boolean; checks: { name: string }[] };
    expect(v.valid).toBe(true);
    expect(v.checks.map((c) => c.name)).toContain('batchProof');
  });

  it('the committee votes a parameter change through (README step 6)', async () => {
    type Standing = {
      proposal: { id: number; status: string; approvingWeight: number; weightToPass: number };
    };
    const show = JSON.parse(await cli('governance', 'show')) as {
      committee: { members: { org?: string; orgName?: string }[]; threshold: number; thresholdUnit: string };
    };
    expect(show.committee.members.map((m) => m.org).sort()).toEqual([
      'bank',
      'civil-affairs',
      'community',
      'court',
      'hospital',
    ]);
    expect(show.committee.members.every((m) => (m.orgName ?? '').length > 0)).toBe(true);
    expect(show.committee.thresholdUnit).toMatch(/percent/);
    const keys = join(demo, 'keys');
    const proposed = JSON.parse(
      await cli(
        'governance',
        'propose',
        '{"type":"setParam","name":"blockIntervalMs","value":200}',
        '--key',
        join(keys, 'community-admin.json'),
      ),
    ) as Standing;
    expect(proposed.proposal).toMatchObject({ status: 'open', approvingWeight: 1, weightToPass: 4 });
    const id = String(proposed.proposal.id);
    const statuses: string[] = [];
    for (const org of ['bank', 'hospital', 'court']) {
      const v = JSON.parse(
        await cli('governance', 'vote', id, '--key', join(keys, `${org}-admin.json`)),
      ) as Standing;
      statuses.push(`${v.proposal.status}:${v.proposal.approvingWeight}`);
    }
    expect(statuses).toEqual(['open:2', 'open:3', 'passed:4']);
    const p = JSON.parse(await cli('governance', 'show', id)) as { status: string };
    expect(p.status).toBe('passed');
    const after = JSON.parse(await cli('governance', 'show')) as { params: { blockIntervalMs: number } };
    expect(after.params.blockIntervalMs).toBe(200);
  });

  it('shows governance state and refuses a vote from a key that is not on the committee', async () => {
    const outsider = join(tmp.dir, 'outsider.json');
    await cli('key', 'new', '--out', outsider);
    // Refused at admission (no role for governance.vote): no block space, no receipt.
    const vote = await cliFails('governance', 'vote', '1', '--key', outsider);
    expect(vote.code).toBe(1);
    expect(vote.stderr).toMatch(/EXEC_PERMISSION_DENIED/);
    const bad = await cliFails('tx', 'get', 'not-a-hash');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/error API_BAD_REQUEST/);
  });
});
