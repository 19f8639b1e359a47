import { describe, expect, it } from 'vitest';
import {
  caseEvent,
  firingEvent,
  handoverEvent,
  PARTY_GLN,
  pickingEvent,
  TEA,
  TEA_PARTIES,
  teaSeason,
  tinSerial,
} from '../../src/demos/tea-story.js';
import { lotKey, serialKey, summarizeEvent } from '../../src/epcis/index.js';
import { TeaChain } from '../helpers/tea-chain.js';

/**
 * Hand-overs between holders: a shipment is received only by the party it names (its
 * destinationList), and a lot may be handed over in parts without a transformation — the parts
 * and the rest always adding up to what remains of the lot.
 */

const freshKey = lotKey(TEA.gtin.fresh, TEA.lots.fresh);
const picked = pickingEvent({ lot: TEA.lots.fresh, kg: 48, time: '2025-04-02T06:00:00+08:00' });
const hand = (
  step: 'shipping' | 'receiving',
  kg: number,
  to: 'factory' | 'packer',
  time: string,
  from: 'garden' | 'factory' = 'garden',
) => handoverEvent({ step, gtin: TEA.gtin.fresh, lot: TEA.lots.fresh, kg, from, to, time });

interface Held {
  grams: number;
  used: number;
  remaining: number;
  custodian: string;
  transit?: { from: string; to?: string };
  parts?: { holder: string; grams: number; transit?: { from: string; to?: string } }[];
  restGrams?: number;
}
const fresh = (c: TeaChain): Held => (c.query('item', { id: freshKey }) as { item: Held }).item;
/** The parts and the rest add up to what remains of the lot. */
const conserved = (h: Held): void => {
  const parts = (h.parts ?? []).reduce((s, x) => s + x.grams, 0);
  expect((h.restGrams ?? h.remaining) + parts).toBe(h.remaining);
  expect(h.remaining).toBe(h.grams - h.used);
};

describe('trace: destination party on receipt', () => {
  it('summarises the destination party (possessing, else owning) of a shipment', () => {
    const s = summarizeEvent(hand('shipping', 48, 'factory', '2025-04-02T08:00:00+08:00'));
    expect(s.destination).toBe(`417/${PARTY_GLN.factory}`);
    expect(summarizeEvent(caseEvent('shipping', '2025-04-06T08:00:00+08:00')).destination).toBe(
      `417/${PARTY_GLN.shop}`,
    );
    expect(summarizeEvent(picked).destination).toBeUndefined();
  });

  it('only the party a shipment names receives it (TRACE_NOT_DESTINATION, nothing written)', () => {
    const c = TeaChain.registered();
    c.record('garden', picked);
    c.record('garden', hand('shipping', 48, 'factory', '2025-04-02T08:00:00+08:00'));
    expect(fresh(c).transit).toMatchObject({ from: 'shifeng-coop', to: `417/${PARTY_GLN.factory}` });
    // The packer takes in the leaf meant for the factory: refused.
    const diverted = {
      ...hand('receiving', 48, 'packer', '2025-04-02T10:00:00+08:00'),
      bizStep: 'receiving',
    };
    c.refused('packer', 'record', TeaChain.args(diverted), 'TRACE_NOT_DESTINATION');
    c.record('factory', hand('receiving', 48, 'factory', '2025-04-02T10:00:00+08:00'));
    expect(fresh(c)).toMatchObject({ custodian: 'longjing-factory' });
    expect(fresh(c).transit).toBeUndefined();
  });

  it('refuses a destination that is not a party key, or has a wrong check digit, nothing written', () => {
    const c = TeaChain.registered();
    c.record('garden', picked);
    const ship = TeaChain.args(hand('shipping', 48, 'factory', '2025-04-02T08:00:00+08:00'));
    c.refused('garden', 'record', { ...ship, destination: '414/6901234200014' }, 'TRACE_BAD_ID');
    const g = PARTY_GLN.factory;
    const wrong = `${g.slice(0, 12)}${(Number(g[12]) + 1) % 10}`;
    c.refused('garden', 'record', { ...ship, destination: `417/${wrong}` }, 'TRACE_BAD_GTIN');
  });
});

describe('trace: part-lot hand-overs (no transformation, quantities conserved)', () => {
  it('ships part of a lot, receives it, fires it; the rest stays with the garden', () => {
    const c = TeaChain.registered();
    c.record('garden', picked);
    c.record('garden', hand('shipping', 20, 'factory', '2025-04-02T08:00:00+08:00'));
    let h = fresh(c);
    conserved(h);
    expect(h).toMatchObject({ custodian: 'shifeng-coop', restGrams: 28_000 });
    expect(h.transit).toBeUndefined();
    expect(h.parts).toMatchObject([
      { holder: 'shifeng-coop', grams: 20_000, transit: { to: `417/${PARTY_GLN.factory}` } },
    ]);
    // More than the rest: refused; the packer may not take the factory's part; no part of 7 kg.
    c.refused(
      'garden',
      'record',
      TeaChain.args(hand('shipping', 30, 'factory', '2025-04-02T08:10:00+08:00')),
      'TRACE_INSUFFICIENT',
    );
    c.refused(
      'packer',
      'record',
      TeaChain.args(hand('receiving', 20, 'packer', '2025-04-02T09:00:00+08:00')),
      'TRACE_NOT_DESTINATION',
    );
    c.refused(
      'factory',
      'record',
      TeaChain.args(hand('receiving', 7, 'factory', '2025-04-02T09:00:00+08:00')),
      'TRACE_NOT_SHIPPED',
    );
    c.record('factory', hand('receiving', 20, 'factory', '2025-04-02T10:00:00+08:00'));
    h = fresh(c);
    conserved(h);
    expect(h.parts).toEqual([{ holder: 'longjing-factory', grams: 20_000 }]);
    // The factory fires only what it holds: 24 kg of its 20 kg part is refused, 20 kg → 5 kg is fine.
    c.refused(
      'factory',
      'record',
      TeaChain.args(firingEvent({ inKg: 24, outKg: 5, time: '2025-04-02T14:00:00+08:00' })),
      'TRACE_INSUFFICIENT',
    );
    c.record('factory', firingEvent({ inKg: 20, outKg: 5, time: '2025-04-02T14:00:00+08:00' }));
    h = fresh(c);
    conserved(h);
    expect(h).toMatchObject({ used: 20_000, remaining: 28_000, custodian: 'shifeng-coop' });
    expect(h.parts).toBeUndefined();
    // Its part used up, the factory holds none of the lot.
    c.refused(
      'factory',
      'record',
      TeaChain.args(firingEvent({ inKg: 4, outKg: 1, time: '2025-04-02T15:00:00+08:00', outLot: 'LJ2' })),
      'TRACE_NOT_CUSTODIAN',
    );
  });

  it('a part shipment voided rejoins the rest; the rest shipped whole moves custody; parts merge', () => {
    const c = TeaChain.registered();
    // The co-op may call its own shipments off here.
    c.ok('admin', 'registerParticipant', {
      id: TEA_PARTIES.garden.id,
      name: TEA_PARTIES.garden.name,
      kind: 'garden',
      accounts: [c.addr('garden')],
      bizSteps: ['commissioning', 'shipping', 'void_shipping'],
      gln: PARTY_GLN.garden,
    });
    c.record('garden', picked);
    c.record('garden', hand('shipping', 5, 'factory', '2025-04-02T08:00:00+08:00'));
    c.record('garden', {
      ...hand('shipping', 5, 'factory', '2025-04-02T08:30:00+08:00'),
      bizStep: 'void_shipping',
    });
    let h = fresh(c);
    conserved(h);
    expect(h.parts).toBeUndefined();
    expect(h.remaining).toBe(48_000);
    // Two parts to the factory, received: one part of 30 kg; then the 18 kg rest shipped whole.
    c.record('garden', hand('shipping', 10, 'factory', '2025-04-02T09:00:00+08:00'));
    c.record('garden', hand('shipping', 20, 'factory', '2025-04-02T09:10:00+08:00'));
    c.record('factory', hand('receiving', 10, 'factory', '2025-04-02T10:00:00+08:00'));
    c.record('factory', hand('receiving', 20, 'factory', '2025-04-02T10:10:00+08:00'));
    h = fresh(c);
    conserved(h);
    expect(h.parts).toEqual([{ holder: 'longjing-factory', grams: 30_000 }]);
    expect(h.restGrams).toBe(18_000);
    c.record('garden', hand('shipping', 18, 'factory', '2025-04-02T11:00:00+08:00'));
    expect(fresh(c).transit).toMatchObject({ from: 'shifeng-coop' });
    c.record('factory', hand('receiving', 18, 'factory', '2025-04-02T12:00:00+08:00'));
    // The factory now holds the rest; its part rejoined it.
    h = fresh(c);
    conserved(h);
    expect(h).toMatchObject({ custodian: 'longjing-factory', remaining: 48_000 });
    expect(h.parts).toBeUndefined();
    // And it ships a part on itself, as any holder.
    c.record('factory', hand('shipping', 8, 'packer', '2025-04-02T13:00:00+08:00', 'factory'));
    h = fresh(c);
    conserved(h);
    expect(h.restGrams).toBe(40_000);
  });
});

describe('trace.scan without a place (the resolver could not tell)', () => {
  it('counts the scan and adds no place; a malformed place or a lot is refused, nothing written', () => {
    const c = TeaChain.registered();
    for (const [who, e] of teaSeason().slice(0, 7)) c.record(who, e);
    const tin = serialKey(TEA.gtin.tin, tinSerial(1));
    c.ok('shop', 'scan', { key: tin });
    c.ok('shop', 'scan', { key: tin, place: '杭州 Hangzhou' });
    c.ok('shop', 'scan', { key: tin });
    expect((c.query('item', { id: tin }) as { scans: unknown }).scans).toEqual({
      count: 3,
      places: ['杭州 Hangzhou'],
      distinct: 1,
      flagged: false,
    });
    c.refused('shop', 'scan', { key: tin, place: 'a\u0000b' }, 'EXEC_BAD_ARGS');
    c.refused('shop', 'scan', { key: freshKey }, 'TRACE_BAD_ID');
  });
});
