import { type ChildProcess, execFile, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';
import { stopChild, track } from '../helpers/processes.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const built = existsSync(CLI);
const run = promisify(execFile);

/** `gongzhi modules` lists what the manifests declare; `gongzhi query` runs any module query on a node. */
describe.skipIf(!built)('gongzhi modules and gongzhi query', () => {
  const tmp = tempDir('gongzhi-modules-');
  let child: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv = process.env;

  const cli = async (...args: string[]) => (await run(process.execPath, [CLI, ...args], { env })).stdout;
  const cliFails = async (...args: string[]) => {
    try {
      await run(process.execPath, [CLI, ...args], { env });
    } catch (e) {
      const err = e as { code: number; stderr: string };
      return { code: err.code, stderr: err.stderr };
    }
    throw new Error('command succeeded but should have failed');
  };

  beforeAll(async () => {
    const c = track(
      fork(CLI, ['start', '--demo', '--data', join(tmp.dir, 'demo'), '--port', '0', '--log-level', 'warn'], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      }),
    );
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
    env = { ...process.env, GONGZHI_URL: url };
  }, 90_000);

  afterAll(async () => {
    // A node that does not stop in 5 s is killed, so the test never leaves it behind.
    await stopChild(child, 5000);
    tmp.remove();
  });

  it('lists every built-in module with its methods, default roles and query parameters', async () => {
    const out = await cli('modules');
    for (const m of ['governance', 'evidence', 'points', 'identity'])
      expect(out).toMatch(new RegExp(`^${m} — `, 'm'));
    expect(out).toMatch(/^ {4}anchor .*\[org, notary\]$/m);
    expect(out).toMatch(/^ {4}bySigner .*\(account, offset, limit\)$/m);
  });

  it('prints argument and result schemas as JSON', async () => {
    const [m] = JSON.parse(await cli('modules', 'evidence', '--json')) as {
      name: string;
      methods: { name: string; args: { properties: Record<string, unknown>; required: string[] } }[];
    }[];
    expect(m?.name).toBe('evidence');
    const anchor = m?.methods.find((x) => x.name === 'anchor');
    expect(Object.keys(anchor?.args.properties ?? {})).toEqual(['digest', 'alg', 'meta', 'batch']);
    expect(anchor?.args.required).toEqual(['digest', 'alg', 'meta']);
  });

  it('refuses an unknown module with its code and hint', async () => {
    const r = await cliFails('modules', 'nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error EXEC_UNKNOWN_MODULE: unknown module nope/);
    expect(r.stderr).toMatch(/hint: List the modules/);
  });

  it('runs a query on the node', async () => {
    const params = JSON.parse(await cli('query', 'governance', 'params')) as Record<string, number>;
    expect(params.maxBlockTxs).toBeGreaterThan(0);
  });

  it('a bad query parameter comes back with the module’s code and hint, and a bad pair is refused locally', async () => {
    const r = await cliFails('query', 'evidence', 'get', 'digest=zz');
    expect(r.stderr).toMatch(/error EVIDENCE_BAD_DIGEST/);
    expect(r.stderr).toMatch(/hint: Give the file’s SHA-256/);
    const p = await cliFails('query', 'evidence', 'get', 'digest');
    expect(p.stderr).toMatch(/error CONFIG_INVALID: query parameter "digest" must be name=value/);
  });

  it('prints the one error code table, core and module codes with status, owner and hint', async () => {
    const out = await cli('errors');
    expect(out).toMatch(/^EXEC_BAD_ARGS +400 core +Fix the field/m);
    expect(out).toMatch(/^EVIDENCE_EXISTS +409 evidence +/m);
    expect(out).toMatch(/^POINTS_FROZEN +403 points +/m);
    const [row] = JSON.parse(await cli('errors', 'gov_not_committee', '--json')) as {
      owner: string;
      status: number;
    }[];
    expect(row).toMatchObject({ owner: 'governance', status: 403 });
    expect((await cliFails('errors', 'NOPE_X')).stderr).toMatch(
      /error CONFIG_INVALID: unknown error code NOPE_X/,
    );
  });
});
