import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  formatDigitalLink,
  keyOf,
  lotKey,
  parseGtin,
  parseKey,
  parseProductPath,
  SummaryError,
  scaledInteger,
  serialKey,
  summarizeEvent,
} from '../../src/epcis/index.js';

describe('GS1 Digital Link for products', () => {
  it('verifies the GTIN check digit and pads to 14 digits', () => {
    expect(parseGtin('09506000134352')).toEqual({ ok: true, value: '09506000134352' });
    expect(parseGtin('9506000134352')).toEqual({ ok: true, value: '09506000134352' });
    expect(parseGtin('09506000134353')).toMatchObject({ ok: false, problem: 'check-digit' });
    expect(parseGtin('0950600013435')).toMatchObject({ ok: false, problem: 'check-digit' });
    expect(parseGtin('123')).toMatchObject({ ok: false, problem: 'syntax' });
  });

  it('parses /01/<gtin>/10/<lot>/21/<serial> paths and full URIs', () => {
    expect(parseProductPath('/01/09506000134352/10/LJ-2025%2F04/21/0001')).toEqual({
      ok: true,
      value: { gtin: '09506000134352', lot: 'LJ-2025/04', serial: '0001' },
    });
    expect(parseProductPath('https://tea.example/01/09506000134352/10/A1?17=261231')).toEqual({
      ok: true,
      value: { gtin: '09506000134352', lot: 'A1' },
    });
    expect(parseProductPath('/01/09506000134352/21/1/10/A')).toMatchObject({ ok: false, problem: 'syntax' });
    expect(parseProductPath('/01/09506000134353/10/A')).toMatchObject({ ok: false, problem: 'check-digit' });
    expect(parseProductPath('/01/09506000134352/10/a%20b')).toMatchObject({
      ok: false,
      problem: 'characters',
    });
    expect(parseProductPath(`/01/09506000134352/10/${'x'.repeat(21)}`)).toMatchObject({ ok: false });
  });

  it('formats Digital Link URIs (percent-encoding the lot and serial)', () => {
    const id = { gtin: '09506000134352', lot: 'LJ-2025/04', serial: 'A+1' };
    const uri = formatDigitalLink(id, 'https://tea.example/');
    expect(uri).toBe('https://tea.example/01/09506000134352/10/LJ-2025%2F04/21/A%2B1');
    expect(parseProductPath(uri)).toEqual({ ok: true, value: id });
    expect(formatDigitalLink({ gtin: '09506000134352' })).toBe('https://id.gs1.org/01/09506000134352');
  });

  it('gives one ledger key per identifier, from EPC URIs and DL URIs alike', () => {
    expect(keyOf('urn:epc:id:sgtin:4012345.011111.9876')).toBe('01/04012345111118/21/9876');
    expect(keyOf('https://shop.example/01/04012345111118/10/L1/21/9876')).toBe('01/04012345111118/21/9876');
    expect(keyOf('urn:epc:class:lgtin:4012345.012345.Lot987')).toBe(lotKey('04012345123456', 'Lot987'));
    expect(keyOf("urn:epc:id:sgtin:4012345.011111.a'b")).toBe(serialKey('04012345111118', "a'b"));
    expect(keyOf('urn:epc:id:sscc:4012345.3111111111')).toBe('00/340123451111111111');
    expect(keyOf('geo:1,2')).toBeUndefined();
  });

  it('parses ledger keys strictly (check digits, canonical encoding)', () => {
    expect(parseKey('01/04012345111118/21/9876')).toEqual({
      ok: true,
      value: { kind: 'serial', gtin: '04012345111118', serial: '9876' },
    });
    expect(parseKey('01/04012345111118/10/L%2F1')).toMatchObject({
      ok: true,
      value: { kind: 'lot', lot: 'L/1' },
    });
    expect(parseKey('01/04012345111118/10/L/1')).toMatchObject({ ok: false });
    expect(parseKey('01/04012345111119/10/L')).toMatchObject({ ok: false, problem: 'check-digit' });
    expect(parseKey('00/340123451111111112')).toMatchObject({ ok: false, problem: 'check-digit' });
    expect(parseKey('414/4012345000054/254/122')).toMatchObject({
      ok: true,
      value: { kind: 'gln', ext: '122' },
    });
    expect(parseKey('01/04012345111118/10/%41')).toMatchObject({ ok: false, problem: 'syntax' });
  });
});

describe('event summaries for the ledger', () => {
  it('turns exact decimals into integers, never through floats', () => {
    expect(scaledInteger('12.5', 3)).toBe(12500);
    expect(scaledInteger('0.25', 3)).toBe(250);
    expect(scaledInteger('1e-05', 5)).toBe(1);
    expect(scaledInteger('0.0001', 3)).toBeUndefined();
    expect(scaledInteger('2.80', 3)).toBe(2800);
  });

  it('summarises a TransformationEvent: roles, grams, time, bizStep, location', () => {
    const file = fileURLToPath(
      new URL('../vectors/epcis/examples/Example_9.6.4-TransformationEvent.jsonld', import.meta.url),
    );
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const s = summarizeEvent(doc.epcisBody.eventList[0], doc['@context']);
    expect(s.type).toBe('TransformationEvent');
    expect(s.bizStep).toBe('https://ref.gs1.org/cbv/BizStep-commissioning');
    expect(s.location).toBe('414/4012345000016');
    expect(s.ids.filter((i) => i.role === 'input').length).toBeGreaterThan(0);
    expect(s.ids.filter((i) => i.role === 'output').length).toBeGreaterThan(0);
    expect(s.ids.find((i) => i.grams !== undefined)?.grams).toBe(10_000);
    expect(Number.isSafeInteger(s.eventTime)).toBe(true);
  });

  it('refuses quantities that are not whole grams or units, naming the field', () => {
    const e = {
      type: 'ObjectEvent',
      eventTime: '2025-04-01T08:00:00+08:00',
      action: 'ADD',
      quantityList: [{ epcClass: 'urn:epc:class:lgtin:6901234.012345.L1', quantity: 1.2345, uom: 'GRM' }],
    };
    expect(() => summarizeEvent(e)).toThrow(SummaryError);
    try {
      summarizeEvent(e);
    } catch (x) {
      expect((x as SummaryError).field).toBe('quantityList[0]');
    }
    expect(() => summarizeEvent({ ...e, quantityList: [{ epcClass: 'urn:x:y', quantity: 1 }] })).toThrow(
      /GS1/,
    );
  });
});
