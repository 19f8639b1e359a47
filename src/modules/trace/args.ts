import type { GS1Key } from '../../epcis/digital-link.js';
import { parseKey } from '../../epcis/digital-link.js';
import { GongzhiError } from '../../errors/index.js';
import { S } from '../../execution/index.js';
import type { ShapeReader } from '../../ledger/index.js';
import { bizStepUri } from './vocabulary.js';

/** An account address (`gz` + 40 hex digits). */
export const ADDRESS = /^gz[0-9a-f]{40}$/;

/**
 * An identifier key, parsed strictly: a wrong GTIN/SSCC/GLN check digit is TRACE_BAD_GTIN (the
 * code was mistyped or forged), any other malformation TRACE_BAD_ID.
 */
export function parseIdKey(key: string, field: string): GS1Key {
  const p = parseKey(key);
  if (p.ok) return p.value;
  throw new GongzhiError(
    p.problem === 'check-digit' ? 'TRACE_BAD_GTIN' : 'TRACE_BAD_ID',
    `${field}: ${p.detail}`,
    {
      field,
      key,
    },
  );
}

/** A GTIN-14 argument with its check digit verified (TRACE_BAD_GTIN). */
export function readGtin(r: ShapeReader, field: string): string {
  const g = r.match(field, /^[0-9]{14}$/, 'a GTIN-14 (14 digits)');
  const k = parseIdKey(`01/${g}`, field);
  return k.kind === 'class' ? k.gtin : g;
}

/** A GLN-13 argument with its check digit verified (TRACE_BAD_GTIN: same check-digit rule). */
export function readGln(r: ShapeReader, field: string): string {
  const g = r.match(field, /^[0-9]{13}$/, 'a GLN (13 digits)');
  parseIdKey(`414/${g}`, field);
  return g;
}

/** A list of bizStep terms or URIs as canonical URIs (EXEC_BAD_ARGS naming an unknown one). */
export function readBizSteps(r: ShapeReader, field: string, max: number): string[] {
  const out = r
    .strs(field, max, 256, true)
    .map((t) => bizStepUri(t) ?? r.fail(field, `known bizSteps (not "${t}")`));
  if (new Set(out).size !== out.length) r.fail(field, 'a list without duplicates');
  return out;
}

/** Argument schemas shared by the methods. */
export const schemas = {
  id: S.Id(),
  gtin: S.String({ pattern: '^[0-9]{14}$', description: 'GTIN-14, check digit verified' }),
  gln: S.String({ pattern: '^[0-9]{13}$', description: 'GLN-13, check digit verified' }),
  key: S.String({
    maxLength: 200,
    description:
      'identifier as a canonical GS1 Digital Link path: 01/<gtin>/10/<lot>, 01/<gtin>/21/<serial>, 00/<sscc>',
  }),
  name: S.String({ minLength: 1, maxLength: 128 }),
};
