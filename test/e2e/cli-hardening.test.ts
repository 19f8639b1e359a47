import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const built = existsSync(CLI);
const hasScript = spawnSync('script', ['--version']).status === 0;
const run = promisify(execFile);

interface Started {
  child: ChildProcess;
  url: Promise<string>;
  stderr: string[];
  stdout: string[];
}

/** `gongzhi start --demo` as a child process (stderr is a pipe, so its log is JSON lines). */
function startDemo(dir: string, extra: string[] = []): Started {
  const child = spawn(process.execPath, [CLI, 'start', '--demo', '--data', dir, '--port', '0', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, GONGZHI_PASSWORD: '' },
  });
  const stderr: string[] = [];
  const stdout: string[] = [];
  child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  child.stdout?.on('data', (d: Buffer) => stdout.push(d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('demo node did not start')), 90_000);
    child.on('message', (m: { ready?: boolean; url?: string }) => {
      if (m.ready && m.url) {
        clearTimeout(t);
        resolve(m.url);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`demo node exited with ${code}: ${stderr.join('')}`));
    });
  });
  url.catch(() => undefined);
  return { child, url, stderr, stdout };
}

/** Stop a child: SIGTERM, then SIGKILL after a bounded wait (so a hook never hangs on it). */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  }
}

/**
 * The first hour, hardened: a killed first-run seeding completes on restart; failures exit
 * non-zero with their own codes and hints; keys and directories are not overwritten.
 */
describe.skipIf(!built)('gongzhi CLI: honest failures and a resumable demo', () => {
  const tmp = tempDir('gongzhi-harden-');
  const demo = join(tmp.dir, 'demo');
  const pwFile = join(tmp.dir, 'pw');
  let node: Started | undefined;
  let url = '';

  const cli = async (...args: string[]) => {
    try {
      const r = await run(process.execPath, [CLI, ...args], {
        env: { ...process.env, GONGZHI_URL: url, GONGZHI_PASSWORD: 'gongzhi-demo' },
        cwd: tmp.dir,
      });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };
  const key = (org: string) => join(demo, 'keys', `${org}-admin.json`);

  beforeAll(async () => {
    writeFileSync(pwFile, 'a-long-test-password\n');
    // First start, killed in the middle of seeding the demo.
    const first = startDemo(demo);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('seeding never started')), 90_000);
      const poll = setInterval(() => {
        if (first.stderr.join('').includes('demo: anchored')) {
          clearTimeout(t);
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(existsSync(join(demo, 'seeded'))).toBe(false);
    // Restart: the half-done seeding is discarded and done again in full.
    node = startDemo(demo);
    url = await node.url;
  }, 180_000);

  afterAll(async () => {
    await stop(node?.child);
    tmp.remove();
  }, 30_000);

  it('a kill during first-run seeding leaves no half-seeded demo: the restart completes it', async () => {
    expect(existsSync(join(demo, 'seeded'))).toBe(true);
    const s = JSON.parse((await cli('status')).stdout) as { groups: { id: string; height: number }[] };
    // The full seeding: 3 anchors + 3 co-signatures + a note + a proposal + 3 votes (11 blocks), the
    // tea story after them in the same staging node, and health's anchor.
    expect(s.groups.find((g) => g.id === 'governance')?.height).toBeGreaterThan(11);
    expect(s.groups.find((g) => g.id === 'health')?.height).toBe(1);
    const props = JSON.parse((await cli('query', 'governance', 'proposals')).stdout) as { status: string }[];
    expect(props.length).toBeGreaterThanOrEqual(2);
    expect(props.every((p) => p.status === 'passed')).toBe(true);
    const lots = JSON.parse((await cli('query', 'trace', 'lots')).stdout) as { total: number };
    expect(lots.total).toBeGreaterThan(0);
  });

  it('logs are JSON lines when stderr is not a terminal; Ready comes after the listener, hashes labelled', async () => {
    const lines = (node?.stderr.join('') ?? '').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    const out = node?.stdout.join('') ?? '';
    expect(out).toMatch(/Ready\./);
    expect(out).toMatch(/governance: genesis document hash [0-9a-f]{64}/);
    expect(out).toMatch(/block 0 hash +[0-9a-f]{64}/);
    // pino writes asynchronously: give the listener's line a moment to arrive.
    for (let i = 0; i < 50 && !(node?.stderr.join('') ?? '').includes('Server listening'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(node?.stderr.join('')).toContain('Server listening');
  });

  it('a transaction whose receipt failed exits 1 with TX_FAILED (tx send, evidence anchor, governance vote)', async () => {
    // An unknown method never reaches a block (refused at admission, no receipt): exit 1 with its code.
    const bad = await cli(
      'tx',
      'send',
      '--module',
      'evidence',
      '--method',
      'nosuch',
      '--key',
      key('community'),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error EXEC_UNKNOWN_METHOD');
    // Committed with a failed receipt: shown with ok: false, and TX_FAILED names the receipt's code.
    const digest = '11'.repeat(32);
    const args = JSON.stringify({
      digest: `0x${digest}`,
      alg: 'sha256',
      meta: { type: 'file', capturedBy: 'test', capturedAt: 1, method: 'cli' },
    });
    const first = await cli(
      'tx',
      'send',
      '--module',
      'evidence',
      '--method',
      'anchor',
      '--args',
      args,
      '--key',
      key('community'),
    );
    expect(first.code, first.stderr).toBe(0);
    const again = await cli(
      'tx',
      'send',
      '--module',
      'evidence',
      '--method',
      'anchor',
      '--args',
      args,
      '--key',
      key('community'),
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error TX_FAILED');
    const shown = JSON.parse(again.stdout) as { ok: boolean; receipt: { status: string } };
    expect(shown.ok).toBe(false);
    expect(shown.receipt.status).toBe('EVIDENCE_EXISTS');

    const file = join(tmp.dir, 'doc.txt');
    writeFileSync(file, 'anchored twice');
    const once = await cli('evidence', 'anchor', file, '--key', key('community'));
    expect(once.code, once.stderr).toBe(0);
    const twice = await cli('evidence', 'anchor', file, '--key', key('community'));
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('error TX_FAILED');

    const vote = await cli('governance', 'vote', '999', '--key', key('bank'));
    expect(vote.code).toBe(1);
    expect(vote.stderr).toContain('error TX_FAILED');
  });

  it('no node at the URL: NODE_UNREACHABLE asks whether one is running there', async () => {
    // A port that was free a moment ago: nothing listens there.
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise((r) => srv.close(r));
    const r = await cli('status', '--url', `http://127.0.0.1:${port}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error NODE_UNREACHABLE');
    expect(r.stderr).toContain(`is a node running at http://127.0.0.1:${port}?`);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack
  });

  it('a file that is not a keystore, and a missing input file, have their own codes', async () => {
    const notKey = await cli(
      'evidence',
      'anchor',
      join(demo, 'genesis', 'governance.json'),
      '--key',
      join(demo, 'genesis', 'governance.json'),
    );
    expect(notKey.code).toBe(1);
    expect(notKey.stderr).toContain('error KEYSTORE_NOT_A_KEYSTORE');
    expect(notKey.stderr).toContain('hint:');
    const missing = await cli('evidence', 'anchor', join(tmp.dir, 'absent.txt'), '--key', key('community'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error INPUT_NOT_FOUND');
  });

  it('chain verify on an unreadable file prints a typed error, no SqliteError stack', async () => {
    const data = join(tmp.dir, 'garbage-data');
    mkdirSync(data);
    writeFileSync(join(data, 'main.sqlite'), Buffer.alloc(4096, 0x41));
    const r = await cli('chain', 'verify', '--data', data);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error STORAGE_UNREADABLE');
    expect(r.stderr).toContain('hint: The file is not a readable SQLite database');
    expect(r.stderr).not.toContain('SqliteError');
    const none = await cli('chain', 'verify', '--data', join(tmp.dir, 'no-such-dir'));
    expect(none.stderr).toContain('error INPUT_NOT_FOUND');
  });

  it('an unknown query lists the known ones; an unknown group lists the served ones', async () => {
    const q = await cli('query', 'evidence', 'nosuch');
    expect(q.code).toBe(1);
    expect(q.stderr).toContain('known queries: evidence.');
    const g = await cli('query', 'governance', 'params', '--group', 'main');
    expect(g.code).toBe(1);
    expect(g.stderr).toContain('error TX_UNKNOWN_GROUP');
    expect(g.stderr).toMatch(/serves: governance, health/);
  });

  it('key new refuses to overwrite without --force; the keystore has scrypt N = 2^17; --password warns', async () => {
    const out = join(tmp.dir, 'k.json');
    const a = await cli('key', 'new', '--out', out, '--password-file', pwFile);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).not.toContain('warning');
    const ks = JSON.parse(readFileSync(out, 'utf8')) as { kdf: { N: number }; address: string };
    expect(ks.kdf.N).toBe(2 ** 17);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const again = await cli('key', 'new', '--out', out, '--password-file', pwFile);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error FILE_EXISTS');
    expect((JSON.parse(readFileSync(out, 'utf8')) as { address: string }).address).toBe(ks.address);
    const forced = await cli('key', 'new', '--out', out, '--force', '--password', 'visible');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('warning: --password is visible');
    expect((JSON.parse(readFileSync(out, 'utf8')) as { address: string }).address).not.toBe(ks.address);
  });

  it.skipIf(!hasScript)(
    'on a terminal, the password is asked for twice without echo',
    async () => {
      const out = join(tmp.dir, 'prompted.json');
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.GONGZHI_PASSWORD;
      // util-linux `script` gives the CLI a pseudo-terminal; we type only once the prompt is shown.
      const child = spawn(
        'script',
        ['-qec', `${process.execPath} ${CLI} key new --out ${out}`, '/dev/null'],
        {
          env,
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      let seen = '';
      const typed = 'typed-on-the-terminal';
      child.stdout?.on('data', (d: Buffer) => {
        const before = seen;
        seen += d.toString();
        for (const prompt of ['keystore password: ', 'again: ']) {
          if (!before.includes(prompt) && seen.includes(prompt)) child.stdin?.write(`${typed}\r`);
        }
      });
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(code).toBe(0);
      expect(seen).not.toContain(typed);
      const { decryptKeystore, readKeystoreFile } = await import('../../src/crypto/index.js');
      const kp = await decryptKeystore(await readKeystoreFile(out), typed);
      expect(kp.publicKey.length).toBe(32);
    },
    60_000,
  );

  it('init and network init refuse a non-empty directory (DIR_NOT_EMPTY); genesis files are 0600', async () => {
    const dir = join(tmp.dir, 'consortium');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    for (const cmd of [['init'], ['network', 'init']]) {
      const r = await cli(...cmd, dir, '--orgs', 'a,b', '--password-file', pwFile);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error DIR_NOT_EMPTY');
    }
    const fresh = join(tmp.dir, 'fresh');
    const ok = await cli('init', fresh, '--orgs', 'a', '--password-file', pwFile);
    expect(ok.code, ok.stderr).toBe(0);
    expect(statSync(join(fresh, 'genesis', 'main.json')).mode & 0o777).toBe(0o600);
  }, 60_000);

  it('a restart with --log-format pretty writes lines for people and does not seed again', async () => {
    const r = await run(process.execPath, [CLI, 'start', '--config', join(tmp.dir, 'absent.json')], {
      env: { ...process.env },
    }).catch((e: { code: number; stderr: string }) => e);
    expect((r as { code: number }).code).toBe(1);
    expect((r as { stderr: string }).stderr).toContain('error INPUT_NOT_FOUND');
    await stop(node?.child);
    node = startDemo(demo, ['--log-format', 'pretty']);
    url = await node.url;
    const lines = node.stderr.join('').split('\n').filter(Boolean);
    expect(lines.some((l) => /^\d\d:\d\d:\d\d\.\d{3} INFO {2}Server listening at/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes('demo: anchored'))).toBe(false);
    const s = JSON.parse((await cli('status')).stdout) as { groups: { id: string; height: number }[] };
    // 11 seeded blocks plus the ones the tests above committed; none from a second seeding.
    expect(s.groups.find((g) => g.id === 'health')?.height).toBe(1);
  }, 90_000);
});
