import type { CborMap } from '../ledger/index.js';
import { type AnyMethod, MAX_SUBJECT } from './module.js';
import type { ModuleRegistry } from './registry.js';

/**
 * The subject a method gives its parsed arguments (MethodDef.subject), or undefined: none
 * declared, too long, or a subject function that threw (it indexes nothing then; it decides nothing).
 */
export function methodSubject(def: AnyMethod, args: unknown): string | undefined {
  if (def.subject === undefined) return undefined;
  try {
    const s = def.subject(args);
    return s.length > 0 && s.length <= MAX_SUBJECT ? s : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The subject of a transaction from its body alone: its method's subject of its parsed arguments,
 * undefined for an unknown method or arguments that do not parse. The block executor and the
 * node's re-indexing of an older file both use this rule, so they index the same rows.
 */
export function txSubject(
  registry: ModuleRegistry,
  body: { readonly module: string; readonly method: string; readonly args: CborMap },
): string | undefined {
  let def: AnyMethod;
  try {
    def = registry.method(body.module, body.method);
  } catch {
    return undefined;
  }
  if (def.subject === undefined) return undefined;
  try {
    return methodSubject(def, def.parse(body.args));
  } catch {
    return undefined;
  }
}
