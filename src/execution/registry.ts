import type { TSchema } from '@sinclair/typebox';
import { GongzhiError } from '../errors/index.js';
import type { Genesis } from '../ledger/index.js';
import type { AdmitJobFn } from './admit-job.js';
import type { AnyMethod, LedgerModule, QueryDef } from './module.js';

/** A method as listed for OpenAPI, the CLI and the console. */
export interface MethodInfo {
  readonly name: string;
  readonly summary: string;
  readonly args: TSchema;
  /** Default roles (genesis may differ; the committee may change them). */
  readonly roles: readonly string[];
}

/** A query as listed for OpenAPI, the CLI and the console. */
export interface QueryInfo {
  readonly name: string;
  readonly summary: string;
  readonly args: TSchema;
  readonly result: TSchema;
}

/** A module as listed. */
export interface ModuleInfo {
  readonly name: string;
  readonly summary: string;
  readonly methods: readonly MethodInfo[];
  readonly queries: readonly QueryInfo[];
}

/** The set of modules a group runs. Immutable once built. */
export class ModuleRegistry {
  private readonly modules = new Map<string, LedgerModule>();

  constructor(modules: readonly LedgerModule[]) {
    for (const m of modules) {
      if (this.modules.has(m.name)) {
        throw new GongzhiError('CONFIG_INVALID', `module ${m.name} registered twice`, { module: m.name });
      }
      this.modules.set(m.name, m);
    }
  }

  list(): LedgerModule[] {
    return [...this.modules.values()];
  }

  /** The method, or EXEC_UNKNOWN_MODULE / EXEC_UNKNOWN_METHOD. */
  method(module: string, method: string): AnyMethod {
    const m = this.modules.get(module);
    if (!m) throw new GongzhiError('EXEC_UNKNOWN_MODULE', `unknown module ${module}`, { module });
    const def = Object.hasOwn(m.methods, method) ? m.methods[method] : undefined;
    if (!def)
      throw new GongzhiError('EXEC_UNKNOWN_METHOD', `unknown method ${module}.${method}`, { module, method });
    return def;
  }

  /** The admission job function of `kind` (`<module>.<name>`), if a module declares it. */
  admitJob(kind: string): AdmitJobFn | undefined {
    const m = this.modules.get(kind.slice(0, Math.max(0, kind.indexOf('.'))));
    const jobs = m?.admitJobs;
    return jobs !== undefined && Object.hasOwn(jobs, kind) ? jobs[kind] : undefined;
  }

  /** The query, or API_NOT_FOUND. */
  query(module: string, name: string): QueryDef {
    const m = this.modules.get(module);
    const q = m && Object.hasOwn(m.queries, name) ? m.queries[name] : undefined;
    if (!q) {
      // Name what does exist, so a typo is one glance away from its fix (the code stays the same).
      const known = [...this.modules.values()].flatMap((x) =>
        Object.keys(x.queries).map((k) => `${x.name}.${k}`),
      );
      const own = m ? known.filter((k) => k.startsWith(`${module}.`)) : known;
      const list = own.length > 0 ? own.join(', ') : '(none)';
      const what = m ? `unknown query ${module}.${name}` : `unknown module ${module}`;
      throw new GongzhiError('API_NOT_FOUND', `${what}; known queries: ${list}`, {
        module,
        query: name,
        known: own.join(','),
      });
    }
    return q;
  }

  /** Every module's default permission rows (`module.method` → roles). */
  permissionRows(): Record<string, readonly string[]> {
    const out: Record<string, readonly string[]> = {};
    for (const m of this.modules.values()) Object.assign(out, m.permissionRows);
    return out;
  }

  /** Check every module's genesis section (GENESIS_INVALID), and refuse sections of unknown modules. */
  assertGenesisSections(genesis: Genesis): void {
    for (const name of Object.keys(genesis.modules ?? {})) {
      if (!this.modules.has(name)) {
        throw new GongzhiError('GENESIS_INVALID', `genesis.modules names unknown module ${name}`, {
          field: `modules.${name}`,
        });
      }
    }
    for (const m of this.modules.values()) m.genesisConfig(genesis);
  }

  /** What the modules offer, for OpenAPI, the CLI and the console. */
  describe(): ModuleInfo[] {
    return this.list().map((m) => ({
      name: m.name,
      summary: m.summary,
      methods: Object.entries(m.methods).map(([name, d]) => ({
        name,
        summary: d.summary,
        args: d.args,
        roles: m.permissions[name] ?? [],
      })),
      queries: Object.entries(m.queries).map(([name, q]) => ({
        name,
        summary: q.summary,
        args: q.args,
        result: q.result,
      })),
    }));
  }
}
