import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EPCIS_CONTEXT_PREFIXES } from '../../src/epcis/event-hash.js';
import { validateEpcis } from '../../src/epcis/index.js';

const EXAMPLES = fileURLToPath(new URL('../vectors/epcis/examples/', import.meta.url));
const VECTORS = fileURLToPath(new URL('../vectors/epcis/hash-vectors/', import.meta.url));
const read = (dir: string, f: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(dir, f), 'utf8'));
const jsonld = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.jsonld'));

describe('EPCIS 2.0 JSON Schema', () => {
  it('has all 18 GS1 examples', () => {
    expect(jsonld(EXAMPLES).length).toBe(18);
  });

  it.each(jsonld(EXAMPLES))('GS1 example %s validates', (f) => {
    expect(validateEpcis(read(EXAMPLES, f))).toEqual({ valid: true });
  });

  it.each(jsonld(VECTORS))('hash vector %s validates', (f) => {
    expect(validateEpcis(read(VECTORS, f))).toEqual({ valid: true });
  });

  const base = (): Record<string, unknown> => read(EXAMPLES, 'Example_9.6.1-ObjectEvent.jsonld');
  const firstEvent = (d: Record<string, unknown>): Record<string, unknown> =>
    ((d.epcisBody as Record<string, unknown>).eventList as Record<string, unknown>[])[0] as Record<
      string,
      unknown
    >;

  it.each([
    ['an event without eventTime', (e: Record<string, unknown>) => delete e.eventTime, 'eventTime'],
    ['an unknown action', (e: Record<string, unknown>) => (e.action = 'BURN'), '/action'],
    ['an unknown bare bizStep', (e: Record<string, unknown>) => (e.bizStep = 'pan_firing'), '/bizStep'],
    [
      'a timestamp without offset',
      (e: Record<string, unknown>) => (e.eventTime = '2025-04-01T08:00:00'),
      '/eventTime',
    ],
    [
      'a lowercase uom',
      (e: Record<string, unknown>) => (e.quantityList = [{ epcClass: 'urn:x', quantity: 1, uom: 'kg' }]),
      'uom',
    ],
  ])('refuses %s, naming where', (_n, mutate, where) => {
    const d = base();
    mutate(firstEvent(d));
    const r = validateEpcis(d);
    expect(r.valid).toBe(false);
    if (!r.valid) expect(JSON.stringify(r.problems)).toContain(where);
  });

  it('refuses a document without type and a non-object', () => {
    expect(validateEpcis({}).valid).toBe(false);
    expect(validateEpcis('x').valid).toBe(false);
  });

  it('the CURIE prefixes the hash assumes are the EPCIS context’s', () => {
    const ctxFile = fileURLToPath(
      new URL('../../src/epcis/schema/epcis-context-root.jsonld', import.meta.url),
    );
    const ctx = JSON.parse(readFileSync(ctxFile, 'utf8'))['@context'] as Record<string, unknown>;
    for (const [p, iri] of Object.entries(EPCIS_CONTEXT_PREFIXES)) expect(ctx[p], p).toBe(iri);
  });
});
