import type { CborValue } from '../../encoding/index.js';
import { type ErrorCode, GongzhiError } from '../../errors/index.js';
import { S } from '../../execution/index.js';
import type { Rule } from './types.js';

/**
 * Where each methodology parameter comes from (issue 17, item 3): `sources` maps a parameter's
 * path to its citation — `<kind>.<variant>.<field>` for an emission factor or rate
 * (`parked-day.default.baselineMg` → "DB11/T 3043-2024, table B.2"), `<kind>.<field>` for a rule
 * limit. The map is part of the hashed body (when not empty), so a citation cannot change under an
 * approved version. A verifier cannot validate a version whose emission factors are unsourced.
 */

export const MAX_SOURCES = 256;
const VARIANT_FIELDS = ['baselineMg', 'projectMg', 'pointsPerBase', 'pointsPerKg'] as const;
const RULE_FIELDS = ['divisor', 'roundTo', 'maxPerDay', 'maxRatePerDay'] as const;

/** Every parameter path of the rules. */
function paths(rules: readonly Rule[]): Set<string> {
  const out = new Set<string>();
  for (const r of rules) {
    for (const f of RULE_FIELDS) out.add(`${r.kind}.${f}`);
    for (const v of Object.keys(r.variants)) for (const f of VARIANT_FIELDS) out.add(`${r.kind}.${v}.${f}`);
  }
  return out;
}

/** Read `sources` (absent: none). Unknown paths are `meaning` errors, bad shapes `code` errors. */
export function readSources(
  v: CborValue | undefined,
  rules: readonly Rule[],
  code: ErrorCode,
  meaning: ErrorCode,
): Record<string, string> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) {
    throw new GongzhiError(code, 'methodology.sources must be a map of parameter path → citation', {
      field: 'sources',
    });
  }
  const entries = Object.entries(v);
  if (entries.length > MAX_SOURCES) {
    throw new GongzhiError(code, `methodology.sources has at most ${MAX_SOURCES} entries`, {
      field: 'sources',
    });
  }
  const known = paths(rules);
  const out: Record<string, string> = {};
  for (const [path, cite] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (typeof cite !== 'string' || cite.length < 1 || cite.length > 256) {
      throw new GongzhiError(code, 'each citation in methodology.sources is a string of 1..256', {
        field: path,
      });
    }
    if (!known.has(path)) {
      throw new GongzhiError(meaning, `methodology.sources names no parameter "${path}"`, { field: path });
    }
    out[path] = cite;
  }
  return out;
}

/** The emission factors (baseline and project of every variant, when non-zero) that cite no source. */
export function unsourcedFactors(
  rules: readonly Rule[],
  sources: Readonly<Record<string, string>>,
): string[] {
  const out: string[] = [];
  for (const r of rules) {
    for (const [name, v] of Object.entries(r.variants)) {
      for (const f of ['baselineMg', 'projectMg'] as const) {
        const path = `${r.kind}.${name}.${f}`;
        if (v[f] > 0 && !Object.hasOwn(sources, path)) out.push(path);
      }
    }
  }
  return out;
}

export const sourcesSchema = S.Optional(
  S.Record(S.String({ pattern: '^[a-z0-9][a-z0-9.-]{0,160}$' }), S.String({ minLength: 1, maxLength: 256 }), {
    maxProperties: MAX_SOURCES,
    description: 'citation of each parameter: "<kind>.<variant>.<field>" or "<kind>.<field>" → source',
  }),
);
