import { GongzhiError } from '../errors/index.js';
import type { LedgerModule, MethodDef, QueryDef } from './module.js';

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
  method(module: string, method: string): MethodDef<unknown> {
    const m = this.modules.get(module);
    if (!m) throw new GongzhiError('EXEC_UNKNOWN_MODULE', `unknown module ${module}`, { module });
    const def = Object.hasOwn(m.methods, method) ? m.methods[method] : undefined;
    if (!def)
      throw new GongzhiError('EXEC_UNKNOWN_METHOD', `unknown method ${module}.${method}`, { module, method });
    return def;
  }

  /** The query, or API_NOT_FOUND. */
  query(module: string, name: string): QueryDef {
    const m = this.modules.get(module);
    const q = m && Object.hasOwn(m.queries, name) ? m.queries[name] : undefined;
    if (!q)
      throw new GongzhiError('API_NOT_FOUND', `unknown query ${module}.${name}`, { module, query: name });
    return q;
  }
}
