import { type ChildProcess, execFile, fork } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemo } from '../../src/demos/index.js';
import { tempDir } from '../helpers/fixtures.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const built = existsSync(CLI);
const run = promisify(execFile);

describe('demo data-sharing', () => {
  it('grant, encrypted delivery, audit, refusal after revocation, answer and credential, 3-level aggregation with a proof', async () => {
    const demo = findDemo('data-sharing');
    expect(demo).toBeDefined();
    const tmp = tempDir('gongzhi-demo-datashare-');
    const steps: string[] = [];
    try {
      const r = (await demo?.run({ dataDir: tmp.dir, log: (s) => steps.push(s) })) as Record<string, unknown>;
      expect(r).toMatchObject({
        refusedRequest: 'DATASHARE_NOT_SHARED',
        grantByNonOwner: 'DATASHARE_NOT_OWNER',
        digestOk: true,
        mismatch: 'DATASHARE_DIGEST_MISMATCH',
        replay: 'DATASHARE_SERVED',
        stranger: 'DATASHARE_UNAUTHENTICATED',
        afterRevoke: 'DATASHARE_REVOKED',
        requestStatus: 'revoked',
        answerOk: true,
        // The answer as a verifiable credential: presented by the citizen, checked on the ledger.
        credentialValid: true,
        disclosed: { registered: true, district: 'district-2' },
        credentialLogged: true,
        forgedValid: false,
        auditTotal: 3,
        wrongSum: 'REPORTS_BAD_SUM',
        nonMember: 'REPORTS_NOT_MEMBER',
        staleCity: true,
        staleProvince: true,
        provinceVersion: 2,
        provinceStale: false,
        provinceCount: 66,
        proofOk: true,
        forgedProof: 'REPORTS_BAD_PROOF',
      });
      expect(r.delivered as number).toBeGreaterThan(1000);
      expect(steps.join('\n')).toMatch(/encrypted to its key/);
    } finally {
      tmp.remove();
    }
  }, 60_000);
});

/**
 * Two processes: the owner department's node (civil affairs, `gongzhi start --demo`) and the
 * grantee (the hospital) using the `gongzhi data` CLI, which fetches over HTTP from the node.
 */
describe.skipIf(!built)('gongzhi data / report between a node process and the grantee', () => {
  const tmp = tempDir('gongzhi-datashare-cli-');
  const demo = join(tmp.dir, 'demo');
  let child: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;
  let url = '';
  const key = (org: string) => join(demo, 'keys', `${org}-admin.json`);
  const cli = async (...args: string[]) =>
    (await run(process.execPath, [CLI, ...args, '--group', 'governance'], { env, cwd: tmp.dir })).stdout;
  const fails = async (...args: string[]) => {
    try {
      await cli(...args);
    } catch (e) {
      return (e as { stderr: string }).stderr;
    }
    throw new Error('command succeeded but should have failed');
  };

  beforeAll(async () => {
    child = fork(CLI, ['start', '--demo', '--data', demo, '--port', '0', '--log-level', 'warn'], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const proc = child;
    url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('demo node did not start')), 60_000);
      proc.on('message', (m: { ready?: boolean; url?: string }) => {
        if (m.ready && m.url) {
          clearTimeout(t);
          resolve(m.url);
        }
      });
      proc.on('exit', (code) => reject(new Error(`demo node exited with ${code}`)));
    });
    env = { ...process.env, GONGZHI_PASSWORD: 'gongzhi-demo', GONGZHI_URL: url };
  }, 90_000);

  afterAll(async () => {
    const c = child;
    if (c && c.exitCode === null) {
      c.kill('SIGTERM');
      const exited = new Promise((r) => c.once('exit', r));
      const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    tmp.remove();
  }, 20_000);

  it('publishes, grants, delivers encrypted between the processes, audits, refuses after revocation', async () => {
    const file = join(tmp.dir, 'subsidies.csv');
    writeFileSync(file, 'idHash,district,amount\n3f2a,1,120\n9c1b,2,80\n');
    await cli(
      'data',
      'publish',
      'subsidies',
      '--key',
      key('civil-affairs'),
      '--title',
      'Subsidy register',
      '--owner',
      'civil-affairs',
      '--fields',
      'idHash:string,district:string,amount:integer',
      '--legal-basis',
      'Social Assistance Measures',
    );
    const v = JSON.parse(
      await cli(
        'data',
        'version',
        'subsidies',
        '--key',
        key('civil-affairs'),
        '--file',
        file,
        '--store',
        join(demo, 'data', 'civil-affairs'),
      ),
    ) as { version: number };
    expect(v.version).toBe(1);
    expect(
      await fails(
        'data',
        'request',
        'subsidies',
        '--key',
        key('hospital'),
        '--dept',
        'hospital',
        '--fields',
        'name',
        '--purpose',
        'p',
        '--legal-basis',
        'l',
      ),
    ).toMatch(/DATASHARE_BAD_FIELDS/);
    await cli(
      'data',
      'request',
      'subsidies',
      '--key',
      key('hospital'),
      '--dept',
      'hospital',
      '--fields',
      'idHash,amount',
      '--purpose',
      'fee waiver check',
      '--legal-basis',
      'Medical Assistance Measures',
    );
    expect(await fails('data', 'grant', '1', '--key', key('hospital'))).toMatch(/DATASHARE_NOT_OWNER/);
    await cli('data', 'grant', '1', '--key', key('civil-affairs'), '--expires-in', '600');
    const out = join(tmp.dir, 'received.csv');
    const f = JSON.parse(
      await cli(
        'data',
        'fetch',
        '1',
        '--key',
        key('hospital'),
        '--dataset-version',
        '1',
        '--from',
        url,
        '--out',
        out,
      ),
    ) as { verified: boolean };
    expect(f.verified).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(file, 'utf8'));
    const audit = JSON.parse(await cli('data', 'audit', '--dept', 'civil-affairs')) as {
      total: number;
      deliveries: { grantee: string; confirmed?: unknown }[];
    };
    expect(audit.total).toBe(1);
    expect(audit.deliveries[0]).toMatchObject({ grantee: 'hospital' });
    expect(audit.deliveries[0]?.confirmed).toBeDefined();
    await cli('data', 'revoke', '1', '--key', key('civil-affairs'), '--reason', 'waiver decided');
    expect(
      await fails(
        'data',
        'fetch',
        '1',
        '--key',
        key('hospital'),
        '--dataset-version',
        '1',
        '--from',
        url,
        '--out',
        out,
      ),
    ).toMatch(/DATASHARE_REVOKED/);
    expect(
      (JSON.parse(await cli('data', 'audit', '--dataset', 'subsidies')) as { total: number }).total,
    ).toBe(1);
    // 14 CLI processes: well over a minute on the loaded shared machine.
  }, 120_000);

  it('answers a question about a not-shared register (data answer), the requester checks it (data check-answer)', async () => {
    await cli(
      'data',
      'publish',
      'household',
      '--key',
      key('civil-affairs'),
      '--title',
      'Household register',
      '--owner',
      'civil-affairs',
      '--fields',
      'idHash:string,district:string',
      '--class',
      'not-shared',
      '--legal-basis',
      'Household Registration Regulations',
    );
    const asked = JSON.parse(
      await cli(
        'data',
        'request',
        'household',
        '--key',
        key('hospital'),
        '--dept',
        'hospital',
        '--purpose',
        'admission',
        '--legal-basis',
        'Medical Assistance Measures',
        '--answer',
        'Is 3f2a registered in district 1?',
      ),
    ) as { data: { request: number } }[];
    const request = String(asked[0]?.data.request);
    const statement = join(tmp.dir, 'answer.json');
    const auditTotal = async () =>
      (JSON.parse(await cli('data', 'audit', '--dataset', 'household')) as { total: number }).total;
    // Bad input, each refused with its code and nothing logged: a non-owner answering, both forms at once.
    expect(
      await fails('data', 'answer', request, '--key', key('hospital'), '--answer', 'yes', '--out', statement),
    ).toMatch(/DATASHARE_NOT_OWNER/);
    expect(
      await fails(
        'data',
        'answer',
        request,
        '--key',
        key('civil-affairs'),
        '--answer',
        'yes',
        '--statement',
        statement,
      ),
    ).toMatch(/CONFIG_INVALID/);
    expect(await auditTotal()).toBe(0);
    const answered = JSON.parse(
      await cli(
        'data',
        'answer',
        request,
        '--key',
        key('civil-affairs'),
        '--answer',
        'yes',
        '--out',
        statement,
      ),
    ) as { delivery: number; digest: string };
    expect(answered.delivery).toBeGreaterThan(0);
    expect(await auditTotal()).toBe(1);
    expect(JSON.parse(readFileSync(statement, 'utf8'))).toMatchObject({
      question: 'Is 3f2a registered in district 1?',
      answer: 'yes',
      dept: 'civil-affairs',
      requester: 'hospital',
    });
    const checked = JSON.parse(await cli('data', 'check-answer', statement, '--request', request)) as Record<
      string,
      unknown
    >;
    expect(checked).toMatchObject({
      valid: true,
      signedStatement: true,
      answer: 'yes',
      dept: 'civil-affairs',
    });
    // A statement changed after it was logged (yes → no) no longer matches the ledger.
    writeFileSync(statement, readFileSync(statement, 'utf8').replace('"answer": "yes"', '"answer": "no"'));
    expect(await fails('data', 'check-answer', statement, '--request', request)).toMatch(
      /DATASHARE_DIGEST_MISMATCH/,
    );
    // Ten CLI processes: over a minute on a loaded machine.
  }, 120_000);

  it('reports district → city, aggregates, proves a record and verifies the proof against the node', async () => {
    const recs = join(tmp.dir, 'records.json');
    writeFileSync(
      recs,
      JSON.stringify(
        [0, 1, 2, 3, 4].map((i) => ({ id: `r${i}`, category: i % 2 ? 'a' : 'b', amount: i + 1 })),
      ),
    );
    await cli(
      'report',
      'office',
      'district',
      '--key',
      key('community'),
      '--name',
      'District',
      '--parent',
      'city',
    );
    await cli('report', 'office', 'city', '--key', key('civil-affairs'), '--name', 'City');
    await cli('report', 'admit', 'city', 'district', '--key', key('civil-affairs'));
    await cli(
      'report',
      'submit',
      'district',
      '--key',
      key('community'),
      '--period',
      '2026-11',
      '--records',
      recs,
    );
    await cli('report', 'aggregate', 'city', '--key', key('civil-affairs'), '--period', '2026-11');
    const top = JSON.parse(await cli('report', 'show', 'city', '--period', '2026-11')) as {
      totals: Record<string, number>;
      stale: boolean;
    };
    expect(top).toMatchObject({ totals: { a: 6, b: 9 }, stale: false });
    const proof = join(tmp.dir, 'proof.json');
    await cli(
      'report',
      'prove',
      'district',
      '--period',
      '2026-11',
      '--records',
      recs,
      '--index',
      '3',
      '--out',
      proof,
    );
    const ok = JSON.parse(await cli('report', 'verify', proof, '--url', url)) as {
      valid: boolean;
      ledger: { matches: boolean };
    };
    expect(ok).toMatchObject({ valid: true, ledger: { matches: true } });
    const p = JSON.parse(readFileSync(proof, 'utf8')) as { record: string };
    writeFileSync(proof, JSON.stringify({ ...p, record: `${p.record}00` }));
    expect(await fails('report', 'verify', proof)).toMatch(/REPORTS_BAD_PROOF/);
  }, 60_000);
  it('anchors the health group into governance and verifies a cross-group proof offline (evidence verify)', async () => {
    const file = join(tmp.dir, 'lab-report.txt');
    writeFileSync(file, 'lab report 2026-11-30: negative');
    const raw = (...a: string[]) => run(process.execPath, [CLI, ...a], { env, cwd: tmp.dir });
    await raw(
      'evidence',
      'anchor',
      file,
      '--group',
      'health',
      '--key',
      key('hospital'),
      '--type',
      'lab-report',
    );
    await raw('evidence', 'anchor-group', 'health', '--group', 'governance', '--key', key('civil-affairs'));
    const proof = join(tmp.dir, 'cross.json');
    await raw(
      'evidence',
      'cross-proof',
      file,
      '--source-group',
      'health',
      '--group',
      'governance',
      '--out',
      proof,
    );
    const args = [
      '--trusted',
      join(demo, 'genesis', 'health.json'),
      '--target-genesis',
      join(demo, 'genesis', 'governance.json'),
      '--json',
    ];
    const ok = JSON.parse((await raw('evidence', 'verify', file, '--cert', proof, ...args)).stdout) as {
      valid: boolean;
      attestedBy: { group: string };
    };
    expect(ok).toMatchObject({ valid: true, attestedBy: { group: 'governance' } });
    const other = join(tmp.dir, 'other.txt');
    writeFileSync(other, 'forged');
    const bad = await raw('evidence', 'verify', other, '--cert', proof, ...args).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect((bad as { code: number }).code).toBe(2);
  }, 60_000);
});
