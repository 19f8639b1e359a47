import { JavaScriptTypeBuilder, type TInteger, type TString } from '@sinclair/typebox';
import { type ErrorSpec, GongzhiError, registerErrorTable } from '../errors/index.js';
import type { Genesis } from '../ledger/index.js';
import type { AdmitJobFn } from './admit-job.js';
import type { LedgerModule, MethodDef, ModuleManifest, QueryDef } from './module.js';

const MODULE_NAME_RE = /^[a-z][a-z0-9]{1,31}$/;
const MEMBER_NAME_RE = /^[a-zA-Z][a-zA-Z0-9]{0,63}$/;

/**
 * Declare a module. Checks the manifest (names, one permission row per method and none for
 * anything else), merges its error codes into the one code table, and returns the module the
 * registry runs. Throws at load time, so a malformed manifest never reaches a running node.
 */
export function defineModule<G = undefined>(m: ModuleManifest<G>): LedgerModule {
  const bad = (message: string): never => {
    throw new GongzhiError('CONFIG_INVALID', `module ${m.name}: ${message}`, { module: m.name });
  };
  if (!MODULE_NAME_RE.test(m.name)) bad('name must be 2..32 lower-case letters or digits');
  for (const n of [...Object.keys(m.methods), ...Object.keys(m.queries)]) {
    if (!MEMBER_NAME_RE.test(n)) bad(`"${n}" is not a valid method or query name`);
  }
  for (const n of Object.keys(m.methods)) {
    const roles = m.permissions[n];
    if (roles === undefined) bad(`method ${n} has no default permission row`);
    else if (roles.length === 0) bad(`method ${n} has an empty permission row`);
  }
  for (const n of Object.keys(m.permissions)) {
    if (!Object.hasOwn(m.methods, n)) bad(`permission row for unknown method ${n}`);
  }
  for (const k of Object.keys(m.admitJobs ?? {})) {
    if (!k.startsWith(`${m.name}.`)) bad(`admission job ${k} must start with ${m.name}.`);
  }
  const prefix = `${m.name.toUpperCase()}_`;
  for (const code of Object.keys(m.errors)) {
    if (!code.startsWith(prefix) && !(m.name === 'governance' && code.startsWith('GOV_'))) {
      bad(`error code ${code} must start with ${prefix}`);
    }
  }
  registerErrorTable(m.name, m.errors);
  const permissionRows = Object.fromEntries(
    Object.keys(m.methods)
      .sort()
      .map((n) => [`${m.name}.${n}`, m.permissions[n] as readonly string[]]),
  );
  const section = m.genesis;
  const genesisConfig = (g: Genesis): unknown => {
    if (section === undefined) return undefined;
    const raw = g.modules?.[m.name];
    if (raw === undefined) return section.defaults;
    return section.parse(raw);
  };
  return { ...(m as ModuleManifest<unknown>), permissionRows, genesisConfig };
}

/** Declare one method (types checked here; the module's table holds it erased). */
export function defineMethod<A, P = void>(def: MethodDef<A, P>): MethodDef<A, P> {
  return def;
}

/**
 * Declare an admission job function (`ModuleManifest.admitJobs`). Its input is what the module's
 * own `admit` built, copied to a worker thread; the table holds it erased.
 */
export function defineAdmitJob<I>(fn: (input: I) => unknown): AdmitJobFn {
  return (input) => fn(input as I);
}

/** Declare one query. */
export function defineQuery<R>(def: QueryDef<R>): QueryDef<R> {
  return def;
}

/**
 * A module's error rows as `[status, hint]`, keeping the code names in the type (for the
 * `ModuleErrorCodes` augmentation in the module's errors.ts).
 */
export function defineErrors<K extends string>(
  rows: { readonly [C in K]: readonly [number, string] },
): { readonly [C in K]: ErrorSpec } {
  const out: Record<string, ErrorSpec> = {};
  for (const [code, [status, hint]] of Object.entries(rows) as [string, readonly [number, string]][]) {
    out[code] = { status, hint };
  }
  return out as { readonly [C in K]: ErrorSpec };
}

const withDescription = (description: string | undefined) =>
  description === undefined ? {} : { description };

/**
 * Schema builders for method arguments and query parameters/results: TypeBox's builders (JSON
 * Schema objects with static types) plus the ledger's conventions — bytes are lower-case hex
 * strings (`S.Hex(32)`), ids match [a-z0-9-], query parameters are strings in a URL.
 */
class SchemaBuilder extends JavaScriptTypeBuilder {
  /** `n` bytes as lower-case hex (omit `n` for any length). */
  Hex(n?: number, description?: string): TString {
    return this.String({
      pattern: n === undefined ? '^[0-9a-f]*$' : `^[0-9a-f]{${2 * n}}$`,
      ...withDescription(description),
    });
  }
  /** An id ([a-z0-9-], ≤ 64). */
  Id(description?: string): TString {
    return this.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$', ...withDescription(description) });
  }
  /** An unsigned safe integer. */
  Uint(description?: string): TInteger {
    return this.Integer({ minimum: 0, ...withDescription(description) });
  }
  /** A URL query parameter holding an unsigned integer. */
  UintParam(description?: string): TString {
    return this.String({ pattern: '^[0-9]{1,16}$', ...withDescription(description) });
  }
}

/** The schema builder every module uses. */
export const S = new SchemaBuilder();
