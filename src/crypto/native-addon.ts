import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** What loading an optional addon gave: its functions, or why they are not used. */
export type AddonLoad<T> = { readonly value: T } | { readonly reason: string };

/**
 * The one way the node loads its optional native addons (native/sm2 for SM2 and SM4-CTR,
 * native/ristretto for elections): off when `disableEnv` is `0`, absent when not built, otherwise
 * required, its functions taken by `pick` (which throws when one is missing) and used only if
 * `selfCheck` passes. Never throws: every failure becomes a reason for logs and the bench, and the
 * caller falls back to its portable code.
 */
export function loadOptionalAddon<T>(o: {
  readonly path: string;
  readonly disableEnv: string;
  /** The reason given when the file is not there (how it gets built). */
  readonly notBuilt: string;
  /** Prefix of the reason when it is there but unusable. */
  readonly unusable: string;
  readonly pick: (mod: Record<string, unknown>) => T;
  readonly selfCheck: (value: T) => boolean;
}): AddonLoad<T> {
  if (process.env[o.disableEnv] === '0') return { reason: `disabled by ${o.disableEnv}=0` };
  if (!existsSync(o.path)) return { reason: o.notBuilt };
  try {
    const mod: unknown = createRequire(import.meta.url)(o.path);
    if (typeof mod !== 'object' || mod === null) throw new Error('the addon exports nothing');
    const value = o.pick(mod as Record<string, unknown>);
    if (!o.selfCheck(value)) throw new Error('it failed its self-check');
    return { value };
  } catch (e) {
    return { reason: `${o.unusable}: ${e instanceof Error ? e.message : String(e)}` };
  }
}
