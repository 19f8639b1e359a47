#!/usr/bin/env node
/**
 * Builds the optional native addons at `npm install` / `npm ci` time:
 * - native/sm2: the SM2 verifier, and with it the SM4-CTR of datashare deliveries
 *   (native/sm2/sm4_ctr.c, used only on CPUs with GFNI);
 * - native/ristretto: the ristretto255 arithmetic of the voting proofs, on libsodium (needs
 *   Debian's libsodium-dev; without it that addon is skipped and @noble verifies ballots).
 * Each is built on its own: one failing leaves the other alone.
 *
 * It never fails the install: every problem (no headers, no compiler, no node-gyp, a build error,
 * an addon that does not load) prints one line and exits 0, and the node then uses the portable
 * @noble arithmetic (src/crypto/sm2-native.ts, src/voting-crypto/ristretto-native.ts say why).
 *
 * Nothing is downloaded: node-gyp is given --nodedir pointing at the headers of the running Node
 * (<prefix>/include/node, which carries Node's own OpenSSL headers); without them the build is
 * skipped rather than letting node-gyp fetch a header tarball.
 *
 * Usage: node scripts/build-native.mjs [--quiet]     GONGZHI_SKIP_NATIVE=1 skips the build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD_TIMEOUT_MS = 180_000;

/** The addons: folder, built file, the function a loadable one exports, what is used without it. */
const ADDONS = [
  { name: 'sm2', file: 'gongzhi_sm2.node', exported: 'verify', fallback: 'portable SM2 in use' },
  {
    name: 'ristretto',
    file: 'gongzhi_ristretto.node',
    exported: 'combine',
    fallback: 'portable ristretto255 (voting) in use',
  },
];

/** The headers directory of the running Node, when they match its version and carry OpenSSL. */
function nodeDir() {
  const candidates = [resolve(dirname(process.execPath), '..')];
  if (process.env.npm_config_nodedir) candidates.unshift(resolve(process.env.npm_config_nodedir));
  for (const dir of candidates) {
    const inc = join(dir, 'include', 'node');
    if (!existsSync(join(inc, 'node_api.h')) || !existsSync(join(inc, 'openssl', 'ec.h'))) continue;
    if (!existsSync(join(inc, 'common.gypi'))) continue;
    const header = readFileSync(join(inc, 'node_version.h'), 'utf8');
    const part = (name) => header.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`))?.[1];
    const version = `v${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
    if (version === process.version) return dir;
  }
  return undefined;
}

/** node-gyp's entry script: the one npm passes to lifecycle scripts, else the one bundled with npm. */
function nodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    candidates.push(
      join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    );
  }
  candidates.push(
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  );
  return candidates.find((c) => c.endsWith('.js') && existsSync(c));
}

/** Loads the addon in a fresh process (a broken one must not take the install down). */
function loads(addon, exported) {
  const probe = `const m = require(${JSON.stringify(addon)}); if (typeof m.${exported} !== 'function') process.exit(3);`;
  const r = spawnSync(process.execPath, ['-e', probe], { stdio: 'pipe', timeout: 30_000 });
  return r.status === 0;
}

function build(a, dir, gyp) {
  const DIR = join(ROOT, 'native', a.name);
  const ADDON = join(DIR, 'build', 'Release', a.file);
  const say = (message) => process.stdout.write(`gongzhi native ${a.name}: ${message}\n`);
  try {
    const r = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${dir}`, '--loglevel=error'], {
      cwd: DIR,
      stdio: 'pipe',
      timeout: BUILD_TIMEOUT_MS,
      env: { ...process.env, npm_config_nodedir: dir },
    });
    if (r.status !== 0 || !existsSync(ADDON)) {
      const tail = `${r.stderr?.toString() ?? ''}${r.error?.message ?? ''}`
        .trim()
        .split('\n')
        .slice(-5)
        .join(' | ');
      rmSync(join(DIR, 'build'), { recursive: true, force: true });
      return say(`build failed (${tail || `exit ${r.status}`}); ${a.fallback}`);
    }
    if (!loads(ADDON, a.exported)) {
      rmSync(join(DIR, 'build'), { recursive: true, force: true });
      return say(`built but does not load; removed; ${a.fallback}`);
    }
    say(`built ${ADDON}`);
  } catch (e) {
    say(`skipped after an error (${e instanceof Error ? e.message : String(e)}); ${a.fallback}`);
  }
}

function main() {
  const all = (message) => {
    for (const a of ADDONS) process.stdout.write(`gongzhi native ${a.name}: ${message}; ${a.fallback}\n`);
  };
  if (process.env.GONGZHI_SKIP_NATIVE === '1') return all('skipped (GONGZHI_SKIP_NATIVE=1)');
  const dir = nodeDir();
  if (dir === undefined) return all(`no matching Node headers with OpenSSL for ${process.version}`);
  const gyp = nodeGyp();
  if (gyp === undefined) return all('node-gyp not found');
  for (const a of ADDONS) build(a, dir, gyp);
}

try {
  main();
} catch (e) {
  process.stdout.write(
    `gongzhi native: skipped after an error (${e instanceof Error ? e.message : String(e)})\n`,
  );
}
