import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/index.js';
import { encryptKeystore, type KeyPair, writeKeystoreFile } from '../../src/crypto/index.js';
import { TeaNet } from '../../src/demos/tea.js';
import { epcisDocument, TEA, teaSeason, tinSerial } from '../../src/demos/tea-story.js';
import { tempDir } from '../helpers/fixtures.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const built = existsSync(CLI);
const run = promisify(execFile);
const VECTORS = new URL('../vectors/epcis/hash-vectors/', import.meta.url).pathname;

/** `gongzhi trace hash | record | show | qr` (the built CLI; `npm run build` first). */
describe.skipIf(!built)('gongzhi trace', () => {
  const tmp = tempDir('gongzhi-cli-trace-');
  let net: TeaNet;
  let server: RunningServer;
  const env = { ...process.env, GONGZHI_PASSWORD: 'pw' };
  const cli = async (...args: string[]) => (await run(process.execPath, [CLI, ...args], { env })).stdout;
  const cliFails = async (...args: string[]) => {
    try {
      await run(process.execPath, [CLI, ...args], { env });
    } catch (e) {
      const err = e as { code: number; stderr: string; stdout: string };
      return { code: err.code, stderr: err.stderr, stdout: err.stdout };
    }
    throw new Error('command succeeded but should have failed');
  };
  const keystore = async (who: 'garden' | 'factory' | 'packer' | 'logistics' | 'shop'): Promise<string> => {
    const path = join(tmp.dir, `${who}.json`);
    const key = net.keys.get(who) as KeyPair;
    await writeKeystoreFile(path, await encryptKeystore('ed25519', key, 'pw', { scryptN: 1024 }));
    return path;
  };

  beforeAll(async () => {
    net = await TeaNet.start({ dataDir: join(tmp.dir, 'node') });
    await net.register();
    server = await startServer(net.node, { host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    await net?.stop();
    tmp.remove();
  });

  // Every vector is checked in test/unit/epcis-hash.test.ts; here the command, on a few kinds.
  const SAMPLE = ['epcisDocWithVariousEventTypes', 'epcisQueryDocument', 'epcisDocWithSensorDataObjectEvent'];
  it('hash: one line per event, in document order, equal to the published vectors', async () => {
    for (const f of readdirSync(VECTORS).filter((x) => SAMPLE.includes(x.replace(/\.jsonld$/, '')))) {
      const out = await cli('trace', 'hash', join(VECTORS, f));
      const want = readFileSync(join(VECTORS, f.replace(/\.jsonld$/, '.hashes')), 'utf8');
      expect(out.trim(), f).toBe(want.trim());
    }
  });

  it('hash: a document that fails the schema is refused with TRACE_SCHEMA_INVALID', async () => {
    const bad = join(tmp.dir, 'bad.jsonld');
    writeFileSync(bad, JSON.stringify(epcisDocument([{ type: 'ObjectEvent', action: 'ADD' }])));
    const r = await cliFails('trace', 'hash', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/TRACE_SCHEMA_INVALID/);
    expect(r.stderr).toMatch(/hint: /);
  });

  it('record each party’s events, then show a tin re-verified on the client', async () => {
    // One document per run of consecutive events by the same party (its hand-overs included).
    const runs: [string, Record<string, unknown>[]][] = [];
    for (const [who, e] of teaSeason()) {
      const last = runs.at(-1);
      if (last?.[0] === who) last[1].push(e);
      else runs.push([who, [e]]);
    }
    for (const [i, [who, events]] of runs.entries()) {
      const file = join(tmp.dir, `event-${i}.jsonld`);
      writeFileSync(file, JSON.stringify(epcisDocument(events)));
      const out = JSON.parse(
        await cli('trace', 'record', file, '--url', server.url, '--key', await keystore(who as 'garden')),
      ) as { results: { status: string; stored: boolean }[] };
      expect(out.results, who).toEqual(
        events.map(() => expect.objectContaining({ status: 'ok', stored: true })),
      );
    }
    const uri = `${server.url}/01/${TEA.gtin.tin}/10/${TEA.lots.dry}/21/${tinSerial(1)}`;
    const shown = await cli('trace', 'show', uri, '--url', server.url);
    expect(shown).toMatch(/verified here: 13\/13/);
    expect(shown).toMatch(/shifeng-01/);
    const json = JSON.parse(await cli('trace', 'show', uri, '--url', server.url, '--json')) as {
      checks: { check: string }[];
    };
    expect(json.checks.every((c) => c.check === 'ok')).toBe(true);
  }, 120_000);

  it('record: a rule broken on the ledger is reported with its code (exit 1)', async () => {
    const file = join(tmp.dir, 'over.jsonld');
    const [, fire] = teaSeason()[3] as [string, Record<string, unknown>];
    writeFileSync(file, JSON.stringify(epcisDocument([{ ...fire, eventTime: '2025-04-03T14:00:00+08:00' }])));
    const r = await cliFails(
      'trace',
      'record',
      file,
      '--url',
      server.url,
      '--key',
      await keystore('factory'),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/TRACE_INSUFFICIENT/);
  });

  it('qr: terminal, PNG and SVG; a wrong GTIN check digit refused', async () => {
    const png = join(tmp.dir, 'tin.png');
    const svg = join(tmp.dir, 'tin.svg');
    const out = await cli(
      'trace',
      'qr',
      '--gtin',
      TEA.gtin.tin,
      '--lot',
      TEA.lots.dry,
      '--serial',
      '0001',
      '--base',
      'https://tea.example',
      '--png',
      png,
      '--svg',
      svg,
    );
    expect(out.split('\n')[0]).toBe(`https://tea.example/01/${TEA.gtin.tin}/10/${TEA.lots.dry}/21/0001`);
    expect(out).toMatch(/▄/);
    expect(readFileSync(png).subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg /);
    const bad = `${TEA.gtin.tin.slice(0, 13)}${(Number(TEA.gtin.tin[13]) + 1) % 10}`;
    const r = await cliFails('trace', 'qr', `https://tea.example/01/${bad}/10/X`);
    expect(r.stderr).toMatch(/TRACE_BAD_GTIN/);
  });
});
