#!/usr/bin/env node
/**
 * Layer order and test location, checked by `npm run lint` (ARCHITECTURE.md, issue 8 item 7).
 *
 * 1. Every relative import in src/**\/*.ts goes to the importer's own layer or a lower one, per the
 *    table below (the data form of ARCHITECTURE.md's table). dpdm catches cycles; this catches a
 *    lower layer reaching up even without a cycle.
 * 2. Tests live under test/unit, test/integration, test/e2e or test/browser — never in src/.
 *
 * Prints every violation as `file → import: reason` and exits 1 if there is any.
 * Usage: node scripts/check-layers.mjs [--root <repo>]   (plain Node; the TypeScript package that
 * the project already has reads the imports, so comments and strings are never mistaken for them).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * ARCHITECTURE.md's table: top-level entry of src/ → layer. A file may import files of its own
 * layer or of lower layers, never of a higher one.
 */
export const LAYERS = {
  errors: 1,
  encoding: 2,
  crypto: 3,
  // Pure election cryptography (ElGamal, sigma proofs, threshold trustees) over @noble: the voting
  // module checks with it and the offline verifier and CLI use it; it needs only encoding.
  'voting-crypto': 3.5,
  ledger: 4,
  // JSON wire types and their JSON Schemas, shared by the API and the SDK.
  wire: 4.5,
  // GS1 EPCIS 2.0 / CBV 2.0 event hash and Digital Link: standards code with no project imports,
  // used by the trace module (its pure files), the node, the CLI and the consumer page.
  epcis: 4.5,
  state: 5,
  execution: 6,
  // One folder per module plus the registry, src/modules/index.ts; see MODULES.
  modules: 7,
  storage: 8,
  ordering: 9,
  node: 10,
  credentials: 10.5,
  api: 11,
  network: 12,
  testing: 12,
  demos: 12,
  cli: 13,
  bench: 13,
  // src/index.ts, the library's entry point, re-exports every layer.
  'index.ts': 14,
};

/**
 * The SDK is outside the chain of layers: a client library for browsers and Node that must not
 * pull in server code. It imports only these layers and the modules' wire types; it may be
 * imported from `importedFrom` up (the CLI, benchmarks and demos are its clients).
 */
export const SDK = {
  folder: 'sdk',
  mayImport: ['errors', 'encoding', 'crypto', 'ledger', 'wire'],
  /** The modules' wire types (today src/modules/evidence/types.ts). */
  mayImportFile: /^src\/modules\/[^/]+\/types\.ts$/,
  importedFrom: 12,
};

/** Inside the modules layer: module folders are independent of each other. */
export const MODULES = {
  /** The registry of all modules: may import every module folder; no module imports it. */
  registry: 'src/modules/index.ts',
  /** The only imports from one module folder into another, each with its reason. */
  crossImports: [
    {
      from: 'src/modules/voting/',
      to: 'src/modules/identity/index.ts',
      why: 'voting enrols verified owners: the owner credentials’ issuer recognised, its DID active, the credential’s status bit clear (identityKeys and the identity codecs)',
    },
    {
      from: 'src/modules/identity/',
      to: 'src/modules/governance/index.ts',
      why: 'identity checks governance roles (identity-agent, identity-registrar) with readRoles',
    },
    {
      from: 'src/modules/datashare/',
      to: 'src/modules/governance/index.ts',
      why: 'a department is a governance organisation: datashare checks the role org:<dept> with readRoles',
    },
    {
      from: 'src/modules/funds/',
      to: 'src/modules/governance/index.ts',
      why: 'a fund names its custodian, manager and supervisor organisations: funds checks org:<id> roles with readRoles and that the organisations exist (governanceKeys.org, orgCodec)',
    },
    {
      from: 'src/modules/funds/',
      to: 'src/modules/evidence/index.ts',
      why: 'an expense is receipted only once its receipt digests are anchored: funds reads evidence records with readRecord (read-only)',
    },
    {
      from: 'src/modules/funds/',
      to: 'src/modules/voting/index.ts',
      why: "an expense above the resolution threshold (and an amendment of a resolution-governed fund) needs a passed owners' resolution: funds reads elections with readElection / readElectionRecord and the art. 278 rules (read-only)",
    },
  ],
};

/**
 * The web console (console/, a React app bundled by Vite) is a client like any other: of the
 * project's code it imports only the browser SDK, so it talks to the node through the same client
 * as everyone else and never bundles server code.
 */
export const CONSOLE = { folder: 'console/', mayImport: 'src/sdk/' };

/** Where tests live. */
export const TEST_DIRS = ['test/unit/', 'test/integration/', 'test/e2e/', 'test/browser/'];

/**
 * Deliberate exceptions. The evidence certificate's format is defined once, in the SDK's evidence
 * folder (its builder and its verifier side by side, browser-safe); the node's certificate route
 * assembles certificates with that same builder so that what it serves is exactly what the SDK
 * verifies.
 */
export const IMPORT_EXCEPTIONS = [{ from: 'src/api/evidence-certificate.ts', to: 'src/sdk/evidence/' }];

const TEST_FILE = /\.test\.[cm]?[jt]sx?$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage']);

/** Posix path of `abs` relative to `root`. */
function rel(root, abs) {
  return relative(root, abs).split(sep).join('/');
}

function walk(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The entry of src/ a path belongs to: its first folder, or the file name for files at the top. */
function entryOf(path) {
  return path.split('/')[1];
}

function layerName(entry) {
  return entry === SDK.folder ? 'sdk' : `${entry} (${LAYERS[entry]})`;
}

/** The module a src/modules path belongs to: its folder, or the registry. */
function moduleOf(path) {
  return path === MODULES.registry ? 'the registry' : path.split('/')[2];
}

/**
 * Why `from` may not import `to` (both repo-relative paths of files under src/), or undefined when
 * it may.
 */
export function importViolation(from, to) {
  const a = entryOf(from);
  const b = entryOf(to);
  for (const e of [a, b]) {
    if (e !== SDK.folder && !Object.hasOwn(LAYERS, e)) {
      return `src/${e} is not in the layer table (scripts/check-layers.mjs, ARCHITECTURE.md)`;
    }
  }
  if (IMPORT_EXCEPTIONS.some((t) => from === t.from && to.startsWith(t.to))) return undefined;
  if (a === SDK.folder) {
    if (b === SDK.folder || SDK.mayImport.includes(b) || SDK.mayImportFile.test(to)) return undefined;
    return `the SDK imports only ${SDK.mayImport.join(', ')} and src/modules/*/types.ts, not ${layerName(b)}`;
  }
  if (b === SDK.folder) {
    if (LAYERS[a] >= SDK.importedFrom) return undefined;
    return `${layerName(a)} imports the SDK, which only layers ≥ ${SDK.importedFrom} (its clients) may`;
  }
  if (a === 'modules' && b === 'modules') {
    const ma = moduleOf(from);
    const mb = moduleOf(to);
    if (ma === mb || from === MODULES.registry) return undefined;
    if (to === MODULES.registry)
      return `module ${ma} imports the module registry (layer order: above modules)`;
    if (MODULES.crossImports.some((x) => from.startsWith(x.from) && to === x.to)) return undefined;
    return `module ${ma} imports module ${mb} (module folders are independent; see MODULES.crossImports)`;
  }
  if (LAYERS[b] > LAYERS[a]) return `${layerName(a)} imports the higher layer ${layerName(b)}`;
  return undefined;
}

/** Resolve a relative import of `file` to a repo-relative path (`.js` → its `.ts` source). */
function resolveImport(root, file, spec) {
  const abs = resolve(dirname(file), spec);
  const ts_ = abs.replace(/\.js$/, '.ts');
  for (const candidate of [ts_, abs, join(abs, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return rel(root, candidate);
    } catch {
      // not this candidate
    }
  }
  return rel(root, ts_);
}

/** Every violation in the tree at `root`, as printable lines. */
export function check(root) {
  const problems = [];
  const files = walk(root).map((f) => [f, rel(root, f)]);
  for (const [, path] of files) {
    if (!TEST_FILE.test(path)) continue;
    if (TEST_DIRS.some((d) => path.startsWith(d))) continue;
    problems.push(`${path}: tests live under ${TEST_DIRS.join(', ')} (not in src/)`);
  }
  for (const [abs, path] of files) {
    if (!path.startsWith(CONSOLE.folder) || !/\.tsx?$/.test(path)) continue;
    const { importedFiles } = ts.preProcessFile(readFileSync(abs, 'utf8'), true, true);
    for (const { fileName: spec } of importedFiles) {
      if (!spec.startsWith('.')) continue;
      const target = resolveImport(root, abs, spec);
      if (target.startsWith('src/') && !target.startsWith(CONSOLE.mayImport)) {
        problems.push(`${path} → ${spec}: the console imports only the SDK (${CONSOLE.mayImport}) of src/`);
      }
    }
  }
  for (const [abs, path] of files) {
    if (!path.startsWith('src/') || !path.endsWith('.ts') || TEST_FILE.test(path)) continue;
    const { importedFiles } = ts.preProcessFile(readFileSync(abs, 'utf8'), true, true);
    for (const { fileName: spec } of importedFiles) {
      if (!spec.startsWith('.')) continue;
      const target = resolveImport(root, abs, spec);
      if (!target.startsWith('src/')) continue;
      const why = importViolation(path, target);
      if (why !== undefined) problems.push(`${path} → ${spec}: ${why}`);
    }
  }
  return problems;
}

function main() {
  const i = process.argv.indexOf('--root');
  const root = resolve(
    i >= 0 ? (process.argv[i + 1] ?? '.') : join(dirname(fileURLToPath(import.meta.url)), '..'),
  );
  const problems = check(root);
  if (problems.length === 0) {
    console.log("layers: every import follows ARCHITECTURE.md's table; every test is under test/");
    return;
  }
  for (const p of problems) console.error(p);
  console.error(`layers: ${problems.length} violation(s) of ARCHITECTURE.md's layer table or test locations`);
  process.exitCode = 1;
}

// Run when executed (`node scripts/check-layers.mjs`), not when imported.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
