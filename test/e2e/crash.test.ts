import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decryptKeystore, getSuite, readKeystoreFile } from '../../src/crypto/index.js';
import { toBase64Url } from '../../src/encoding/index.js';
import { initConsortium } from '../../src/node/index.js';
import { makeTx, tempDir } from '../helpers/fixtures.js';
import { track } from '../helpers/processes.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const PASSWORD = 'crash-test';
const built = existsSync(CLI);

function startNode(config: string): Promise<{ child: ChildProcess; url: string }> {
  const child = track(
    fork(CLI, ['start', '--config', config, '--port', '0', '--log-level', 'warn'], {
      env: { ...process.env, GONGZHI_PASSWORD: PASSWORD },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }),
  );
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('node did not start')), 30_000);
    child.on('message', (m: { ready?: boolean; url?: string }) => {
      if (m.ready && m.url) {
        clearTimeout(t);
        resolve({ child, url: m.url });
      }
    });
    child.on('exit', (code) => reject(new Error(`node exited early with ${code}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r();
    else child.once('exit', () => r());
  });
}

describe.skipIf(!built)('crash safety (SIGKILL under load)', () => {
  const tmp = tempDir('gongzhi-crash-');
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    tmp.remove();
  });

  it('every acknowledged transaction survives kill -9 and the chain verifies', async () => {
    const init = await initConsortium({
      dir: tmp.dir,
      chain: 'crash',
      suite: 'ed25519',
      orgs: [{ id: 'a' }, { id: 'b' }],
      groups: [{ id: 'main' }],
      password: PASSWORD,
      timestamp: 1_700_000_000_000,
      scryptN: 1 << 10,
      permissions: { 'evidence.anchor': ['*'] },
    });
    const suite = getSuite('ed25519');
    const cfg = init.nodeConfigs.a as string;
    const first = await startNode(cfg);
    children.push(first.child);
    const keys = Array.from({ length: 20 }, () => suite.generateKeyPair());
    const acked: string[] = [];
    let stop = false;
    let n = 0;
    const worker = async (w: number) => {
      while (!stop) {
        const txs = Array.from({ length: 50 }, () => {
          const k = keys[(n++ + w) % keys.length] as (typeof keys)[number];
          return makeTx(
            suite,
            k,
            { chain: 'crash', group: 'main' },
            'evidence',
            'anchor',
            {
              digest: suite.hash(new Uint8Array([w, n & 255, (n >> 8) & 255, (n >> 16) & 255])),
              alg: 'sha256',
              meta: { type: 'load', capturedBy: 'crash-test', capturedAt: n, method: 'generated' },
            },
            { validUntil: 900 },
          );
        });
        try {
          const res = await fetch(`${first.url}/v1/groups/main/txs/batch?wait=commit&timeoutMs=10000`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ txs: txs.map((t) => toBase64Url(t.bytes)) }),
          });
          if (res.status !== 200) continue;
          const body = (await res.json()) as {
            results: { hash?: string; status?: string; error?: unknown }[];
          };
          for (const r of body.results) if (r.status === 'committed' && r.hash) acked.push(r.hash);
        } catch {
          return; // connection reset by the kill
        }
      }
    };
    const workers = [0, 1, 2, 3].map(worker);
    await new Promise((r) => setTimeout(r, 2500));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await exited(first.child);
    expect(acked.length).toBeGreaterThan(100);

    const second = await startNode(cfg);
    children.push(second.child);
    const missing: string[] = [];
    for (const h of acked) {
      let res = await fetch(`${second.url}/v1/groups/main/txs/${h}`);
      // Thousands of look-ups from one client may meet the node's rate limit: wait as told.
      while (res.status === 429) {
        await res.arrayBuffer();
        await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
        res = await fetch(`${second.url}/v1/groups/main/txs/${h}`);
      }
      const body = (await res.json()) as { status?: string };
      if (res.status !== 200 || body.status !== 'committed') missing.push(h);
    }
    expect(missing).toEqual([]);
    second.child.kill('SIGTERM');
    await exited(second.child);
    const dataDir = join(tmp.dir, 'data', 'a');
    const out = execFileSync(process.execPath, [CLI, 'chain', 'verify', '--data', dataDir], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out).ok).toBe(true);
    // the node key is still the one from the keystore: a sanity check that the config was honoured
    const ks = await decryptKeystore(await readKeystoreFile(join(tmp.dir, 'keys', 'a-node.json')), PASSWORD);
    expect(ks.publicKey.length).toBe(32);
  });
});
