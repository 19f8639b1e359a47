#!/usr/bin/env node
/**
 * Builds the optional native SM2 verifier (native/sm2) at `npm install` / `npm ci` time, and with it
 * the SM4-CTR of datashare deliveries (native/sm2/sm4_ctr.c, used only on CPUs with GFNI).
 *
 * It never fails the install: every problem (no headers, no compiler, no node-gyp, a build error,
 * an addon that does not load) prints one line and exits 0, and the node then verifies SM2 with
 * the portable @noble arithmetic (src/crypto/sm2-native.ts says why it is not in use).
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
const DIR = join(ROOT, 'native', 'sm2');
const ADDON = join(DIR, 'build', 'Release', 'gongzhi_sm2.node');
const BUILD_TIMEOUT_MS = 180_000;

function say(message) {
  process.stdout.write(`gongzhi native sm2: ${message}\n`);
}

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

/** Loads the addon in a fresh process (a broken one must not take the install down) and verifies once. */
function loads() {
  const probe = `const m = require(${JSON.stringify(ADDON)}); if (typeof m.verify !== 'function') process.exit(3);`;
  const r = spawnSync(process.execPath, ['-e', probe], { stdio: 'pipe', timeout: 30_000 });
  return r.status === 0;
}

function main() {
  if (process.env.GONGZHI_SKIP_NATIVE === '1')
    return say('skipped (GONGZHI_SKIP_NATIVE=1); portable SM2 in use');
  const dir = nodeDir();
  if (dir === undefined)
    return say(`no matching Node headers with OpenSSL for ${process.version}; portable SM2 in use`);
  const gyp = nodeGyp();
  if (gyp === undefined) return say('node-gyp not found; portable SM2 in use');
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
    return say(`build failed (${tail || `exit ${r.status}`}); portable SM2 in use`);
  }
  if (!loads()) {
    rmSync(join(DIR, 'build'), { recursive: true, force: true });
    return say('built but does not load; removed; portable SM2 in use');
  }
  say(`built ${ADDON}`);
}

try {
  main();
} catch (e) {
  say(`skipped after an error (${e instanceof Error ? e.message : String(e)}); portable SM2 in use`);
}
