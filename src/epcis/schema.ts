import { Ajv, type ValidateFunction } from 'ajv';
import epcisJsonSchema from './schema/EPCIS-JSON-Schema.json' with { type: 'json' };

/** One schema violation: where, and what. */
export interface SchemaProblem {
  /** JSON pointer into the document (`/epcisBody/eventList/0/eventTime`), `/` for the root. */
  readonly path: string;
  readonly message: string;
}

/** Outcome of validating a document against GS1's EPCIS 2.0 JSON Schema. */
export type SchemaResult =
  | { readonly valid: true }
  | { readonly valid: false; readonly problems: SchemaProblem[] };

// RFC 3339 date-time (the schema's `time`), checked without a clock: shape and field ranges.
const DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
// An absolute URI: a scheme, a colon, no spaces (RFC 3986 §3; enough for EPC URNs, DL URIs, CURIEs).
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/;

let compiled: ValidateFunction | undefined;

/**
 * The compiled validator (compiled once, on first use: ~60 ms). The schema file is GS1's, kept
 * unchanged (schema/README.md); ajv's `strict: false` because it uses draft-07 idioms ajv flags.
 */
function validator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addFormat('date-time', DATE_TIME);
    ajv.addFormat('uri', URI);
    compiled = ajv.compile(epcisJsonSchema);
  }
  return compiled;
}

/** Validate an EPCIS 2.0 JSON(-LD) document (or a single event with `@context`) against the schema. */
export function validateEpcis(doc: unknown): SchemaResult {
  const v = validator();
  if (v(doc)) return { valid: true };
  const problems = (v.errors ?? []).map((e) => ({
    path: e.instancePath === '' ? '/' : e.instancePath,
    message: `${e.message ?? 'invalid'}${e.params && 'allowedValues' in e.params ? ` (${String(e.params.allowedValues)})` : ''}`,
  }));
  // allErrors reports every branch of the schema's if/then and anyOf; keep each message once.
  const seen = new Set<string>();
  return {
    valid: false,
    problems: problems.filter((p) => {
      const k = `${p.path} ${p.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    }),
  };
}
