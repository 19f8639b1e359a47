import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/** scripts/check-layers.mjs (run by `npm run lint`) on small made-up trees. */

const script = fileURLToPath(new URL('../../scripts/check-layers.mjs', import.meta.url));
const roots: string[] = [];

/** Run the checker on a tree of `files` (path → content); its exit code and report. */
function run(files: Record<string, string>): { code: number | null; out: string } {
  const root = mkdtempSync(join(tmpdir(), 'gongzhi-layers-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const r = spawnSync(process.execPath, [script, '--root', root], { encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

const base = {
  'src/errors/index.ts': 'export const E = 1;\n',
  'src/crypto/index.ts': "import { E } from '../errors/index.js';\nexport const C = E;\n",
  'src/node/index.ts': "import { C } from '../crypto/index.js';\nexport const N = C;\n",
  'src/modules/governance/index.ts': 'export const readRoles = 1;\n',
  'src/modules/governance/state.ts': 'export const inner = 1;\n',
  'src/modules/evidence/types.ts': 'export type T = 1;\n',
  'src/modules/index.ts': "export * from './governance/index.js';\nexport * from './evidence/types.js';\n",
};

describe('check-layers', () => {
  it('accepts imports downwards and within a layer; ignores comments, strings and packages', () => {
    const r = run({
      ...base,
      'src/crypto/other.ts':
        "import { C } from './index.js';\nimport { x } from 'typescript';\n// import { N } from '../node/index.js';\nconst s = \"import '../node/index.js'\";\nexport { C, s, x };\n",
      'src/modules/identity/create.ts':
        "import { readRoles } from '../governance/index.js';\nexport { readRoles };\n",
      'src/sdk/index.ts':
        "import { C } from '../crypto/index.js';\nimport type { T } from '../modules/evidence/types.js';\nexport { C, type T };\n",
      'test/unit/a.test.ts': '',
      'test/e2e/b.test.ts': '',
    });
    expect(r.out).toContain('every import follows');
    expect(r.code).toBe(0);
  });

  it('fails on a lower layer importing a higher one, naming both layers', () => {
    const r = run({ ...base, 'src/crypto/bad.ts': "export { N } from '../node/index.js';\n" });
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'src/crypto/bad.ts → ../node/index.js: crypto (3) imports the higher layer node (10)',
    );
  });

  it('counts type-only and dynamic imports too', () => {
    const r = run({
      ...base,
      'src/errors/t.ts': "import type { C } from '../crypto/index.js';\nexport type X = C;\n",
      'src/errors/d.ts': "export const load = () => import('../node/index.js');\n",
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'src/errors/t.ts → ../crypto/index.js: errors (1) imports the higher layer crypto (3)',
    );
    expect(r.out).toContain(
      'src/errors/d.ts → ../node/index.js: errors (1) imports the higher layer node (10)',
    );
  });

  it('keeps module folders apart except the listed cross-imports, and the registry above them', () => {
    const r = run({
      ...base,
      'src/modules/identity/a.ts': "export * from '../governance/state.js';\n",
      'src/modules/points/b.ts': "export * from '../governance/index.js';\n",
      'src/modules/points/c.ts': "export * from '../index.js';\n",
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'src/modules/identity/a.ts → ../governance/state.js: module identity imports module governance',
    );
    expect(r.out).toContain(
      'src/modules/points/b.ts → ../governance/index.js: module points imports module governance',
    );
    expect(r.out).toContain(
      'src/modules/points/c.ts → ../index.js: module points imports the module registry',
    );
  });

  it('lets the SDK import only layers 1–4, wire and the modules’ types.ts', () => {
    const r = run({
      ...base,
      'src/sdk/a.ts': "export * from '../node/index.js';\n",
      'src/sdk/b.ts': "export * from '../modules/governance/index.js';\n",
      'src/node/c.ts': "export * from '../sdk/a.js';\n",
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('src/sdk/a.ts → ../node/index.js: the SDK imports only');
    expect(r.out).toContain('src/sdk/b.ts → ../modules/governance/index.js: the SDK imports only');
    expect(r.out).toContain('src/node/c.ts → ../sdk/a.js: node (10) imports the SDK');
  });

  it('lets the web console (console/) import only the SDK of src/', () => {
    const ok = run({
      ...base,
      'src/sdk/index.ts': "export { C } from '../crypto/index.js';\n",
      'console/src/app.tsx':
        "import { C } from '../../src/sdk/index.js';\nimport { P } from './page.js';\nexport { C, P };\n",
      'console/src/page.tsx': 'export const P = 1;\n',
    });
    expect(ok.code).toBe(0);
    const bad = run({ ...base, 'console/src/app.tsx': "export { N } from '../../src/node/index.js';\n" });
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(
      'console/src/app.tsx → ../../src/node/index.js: the console imports only the SDK (src/sdk/) of src/',
    );
  });

  it('refuses a folder missing from the layer table', () => {
    const r = run({ ...base, 'src/mystery/index.ts': "export * from '../errors/index.js';\n" });
    expect(r.code).toBe(1);
    expect(r.out).toContain('src/mystery is not in the layer table');
  });

  it('fails on tests outside test/unit, test/integration, test/e2e and test/browser', () => {
    const r = run({ ...base, 'src/crypto/x.test.ts': '', 'test/helpers/y.test.ts': '' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('src/crypto/x.test.ts: tests live under');
    expect(r.out).toContain('test/helpers/y.test.ts: tests live under');
  });
});
