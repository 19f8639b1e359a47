import { type ChildProcess, execFile, fork } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptKeystore, readKeystoreFile } from '../../src/crypto/index.js';
import { toHex } from '../../src/encoding/index.js';
import { tempDir } from '../helpers/fixtures.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const built = existsSync(CLI);
const run = promisify(execFile);

/** `gongzhi did | issuer | schema | credential` against a demo node: the whole credential life. */
describe.skipIf(!built)('gongzhi identity commands', () => {
  const tmp = tempDir('gongzhi-cli-identity-');
  let child: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv = process.env;
  const keys = (org: string) => join(tmp.dir, 'demo', 'keys', `${org}-admin.json`);
  const f = (name: string) => join(tmp.dir, name);

  const cli = async (...args: string[]) => (await run(process.execPath, [CLI, ...args], { env })).stdout;
  const cliFails = async (...args: string[]) => {
    try {
      await run(process.execPath, [CLI, ...args], { env });
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, out: `${err.stdout}${err.stderr}` };
    }
    throw new Error('command succeeded but should have failed');
  };
  const g = ['--group', 'governance'];

  beforeAll(async () => {
    const c = fork(
      CLI,
      ['start', '--demo', '--data', join(tmp.dir, 'demo'), '--port', '0', '--log-level', 'warn'],
      {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      },
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
    env = { ...process.env, GONGZHI_URL: url, GONGZHI_PASSWORD: 'gongzhi-demo' };
  }, 90_000);

  afterAll(async () => {
    const c = child;
    if (c && c.exitCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    tmp.remove();
  });

  it('creates DIDs, a schema and a status list; issues, presents (with QR codes), verifies, revokes', async () => {
    const issuerOut = await cli('did', 'create', ...g, '--key', keys('civil-affairs'));
    const issuer = issuerOut.trim().split('\n').pop() ?? '';
    expect(issuer).toMatch(/^did:gongzhi:gongzhi-demo:governance:gz[0-9a-f]{40}$/);
    await cli('did', 'create', ...g, '--key', keys('hospital'));
    const resolved = JSON.parse(await cli('did', 'resolve', issuer));
    expect(resolved.didDocument.verificationMethod[0].type).toBe('JsonWebKey2020');
    expect(resolved.didResolutionMetadata.contentType).toBe('application/did+ld+json');
    // --fresh (Cache-Control: no-cache) is accepted for any method; did:gongzhi is read from the ledger.
    expect(JSON.parse(await cli('did', 'resolve', issuer, '--fresh')).didDocument.id).toBe(issuer);

    writeFileSync(
      f('schema.json'),
      JSON.stringify({
        type: 'object',
        properties: { name: { type: 'string' }, degree: { type: 'string' } },
      }),
    );
    await cli(
      'schema',
      'register',
      f('schema.json'),
      ...g,
      '--key',
      keys('civil-affairs'),
      '--id',
      '2000001',
      '--name',
      'Degree',
    );
    expect(JSON.parse(await cli('schema', 'show', '2000001', ...g)).issuer).toBe(issuer);
    await cli('issuer', 'status-list', 'r', ...g, '--key', keys('civil-affairs'));

    const holder = await decryptKeystore(await readKeystoreFile(keys('hospital')), 'gongzhi-demo');
    writeFileSync(f('claims.json'), JSON.stringify({ name: 'Ana', degree: 'BSc' }));
    await cli(
      'credential',
      'issue',
      ...g,
      '--key',
      keys('civil-affairs'),
      '--schema',
      '2000001',
      '--claims',
      f('claims.json'),
      '--holder',
      toHex(holder.publicKey),
      '--status-list',
      'r',
      '--status-index',
      '3',
      '--out',
      f('cred.txt'),
      '--qr-png',
      f('cred.png'),
    );
    expect(readFileSync(f('cred.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(f('cred.png')).size).toBeGreaterThan(500);
    const presented = await cli(
      'credential',
      'present',
      f('cred.txt'),
      '--disclose',
      'name',
      '--nonce',
      'n-1',
      '--aud',
      'did:example:v',
      '--key',
      keys('hospital'),
      '--out',
      f('vp.txt'),
      '--qr',
    );
    // The terminal QR code: block characters.
    expect(presented).toMatch(/[█▀▄]/);
    const verify = [
      'credential',
      'verify',
      f('vp.txt'),
      ...g,
      '--disclose',
      'name',
      '--nonce',
      'n-1',
      '--aud',
      'did:example:v',
    ];
    expect(await cli(...verify)).toMatch(/^valid: all \d+ checks passed$/m);
    await cli('credential', 'revoke', ...g, '--key', keys('civil-affairs'), '--list', 'r', '--index', '3');
    const revoked = await cliFails(...verify);
    expect(revoked.code).toBe(2);
    expect(revoked.out).toContain('IDENTITY_REVOKED');
    const json = await cliFails(...verify, '--published', '--json');
    // Through the published list: the node's own list, but no key of the issuer on this node.
    expect(JSON.parse(json.out.slice(0, json.out.lastIndexOf('}') + 1)).valid).toBe(false);
    // About twenty CLI processes, each loading the CLI: ≈ 50 s on a loaded machine, over the 60 s default at load 20.
  }, 150_000);

  it('takes --password-file like the rest of the CLI (no GONGZHI_PASSWORD); an empty file is CONFIG_INVALID', async () => {
    const { GONGZHI_PASSWORD: _pw, ...noPassword } = env;
    const saved = env;
    env = noPassword;
    try {
      writeFileSync(f('pw.txt'), 'gongzhi-demo\n', { mode: 0o600 });
      writeFileSync(f('empty.txt'), '', { mode: 0o600 });
      const out = await cli('did', 'create', ...g, '--key', keys('bank'), '--password-file', f('pw.txt'));
      expect(out.trim().split('\n').pop()).toMatch(/^did:gongzhi:gongzhi-demo:governance:gz[0-9a-f]{40}$/);
      const empty = await cliFails(
        'did',
        'deactivate',
        out.trim().split('\n').pop() ?? '',
        ...g,
        '--key',
        keys('bank'),
        '--password-file',
        f('empty.txt'),
      );
      expect(empty.code).toBe(1);
      expect(empty.out).toContain('CONFIG_INVALID');
      // Refused before anything was sent: the DID is still active.
      const r = JSON.parse(await cli('did', 'resolve', out.trim().split('\n').pop() ?? ''));
      expect(r.didDocumentMetadata.deactivated).not.toBe(true);
    } finally {
      env = saved;
    }
  });

  it('bad input: an unsupported DID method prints the standard error and exits 1', async () => {
    const m = await cliFails('did', 'resolve', 'did:example:123');
    expect(m.code).toBe(1);
    expect(m.out).toContain('methodNotSupported');
    const issuer = JSON.parse(await cli('issuer', 'list', ...g, '--category', 'university'));
    expect(issuer.issuers).toEqual([]);
  });
});
