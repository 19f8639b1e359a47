import { describe, expect, it } from 'vitest';
import { handoverEvent, PARTY_GLN, TEA, teaSeason } from '../../src/demos/tea-story.js';
import { formatDigitalLink, lotKey } from '../../src/epcis/index.js';
import { TeaChain } from '../helpers/tea-chain.js';

/**
 * Part-lot hand-overs by count: a lot of a product with a unit weight (the 250 g tin) handed over
 * as a number of units (an EPCIS quantity without a unit of measure) — the part is units × the
 * unit weight, conserved as by weight; a count of a product without a unit weight is refused.
 */

const TIN_LOT = 'LT250405';
const tinLot = lotKey(TEA.gtin.tin, TIN_LOT);

/** The packer's dry tea into 40 tins counted as a lot (a TransformationEvent, units out). */
const tinsByCount = {
  type: 'TransformationEvent',
  eventTime: '2025-04-05T09:00:00+08:00',
  eventTimeZoneOffset: '+08:00',
  bizStep: 'commissioning',
  readPoint: { id: `https://id.gs1.org/414/${TEA.gln.packer}` },
  inputQuantityList: [
    { epcClass: formatDigitalLink({ gtin: TEA.gtin.dry, lot: TEA.lots.dry }), quantity: 10, uom: 'KGM' },
  ],
  outputQuantityList: [{ epcClass: formatDigitalLink({ gtin: TEA.gtin.tin, lot: TIN_LOT }), quantity: 40 }],
};

/** A hand-over of `count` units (no uom) of `gtin`/`lot` between the packer and the shop. */
const counted = (
  step: 'shipping' | 'receiving',
  count: number,
  time: string,
  o: { gtin?: string; lot?: string } = {},
) => {
  const gtin = o.gtin ?? TEA.gtin.tin;
  const lot = o.lot ?? TIN_LOT;
  const e = handoverEvent({ step, gtin, lot, kg: 1, from: 'packer', to: 'shop', time });
  return { ...e, quantityList: [{ epcClass: formatDigitalLink({ gtin, lot }), quantity: count }] };
};

interface Held {
  grams: number;
  used: number;
  remaining: number;
  custodian: string;
  parts?: { holder: string; grams: number; transit?: { from: string; to?: string } }[];
  restGrams?: number;
}
const held = (c: TeaChain, key = tinLot): Held => (c.query('item', { id: key }) as { item: Held }).item;

function packed(): TeaChain {
  const c = TeaChain.registered();
  // The season up to the packer holding the 11 kg of dry tea.
  for (const [who, e] of teaSeason().slice(0, 6)) c.record(who, e);
  c.record('packer', tinsByCount);
  return c;
}

describe('trace: part-lot hand-overs by count', () => {
  it('ships 15 of 40 counted tins: a 3,750 g part in transit to the shop, received by count', () => {
    const c = packed();
    expect(held(c)).toMatchObject({ grams: 10_000, remaining: 10_000, custodian: 'xihu-packing' });
    c.record('packer', counted('shipping', 15, '2025-04-06T09:00:00+08:00'));
    let h = held(c);
    expect(h.restGrams).toBe(6250);
    expect(h.parts).toMatchObject([
      { holder: 'xihu-packing', grams: 3750, transit: { from: 'xihu-packing', to: `417/${PARTY_GLN.shop}` } },
    ]);
    // A count that is not the part in transit receives nothing (no such shipment).
    c.refused(
      'shop',
      'record',
      TeaChain.args(counted('receiving', 10, '2025-04-06T10:00:00+08:00')),
      'TRACE_NOT_SHIPPED',
    );
    c.record('shop', counted('receiving', 15, '2025-04-06T11:00:00+08:00'));
    h = held(c);
    expect(h.parts).toEqual([{ holder: 'hefang-shop', grams: 3750 }]);
    expect((h.restGrams ?? 0) + 3750).toBe(h.remaining);
    expect(h.custodian).toBe('xihu-packing');
  });

  it('refuses more units than held (TRACE_INSUFFICIENT) and a count of a product without a unit weight (TRACE_BAD_QUANTITY), nothing written', () => {
    const c = packed();
    c.refused(
      'packer',
      'record',
      TeaChain.args(counted('shipping', 41, '2025-04-06T09:00:00+08:00')),
      'TRACE_INSUFFICIENT',
    );
    // Dry tea has no unit weight: "1" of it names no part.
    c.refused(
      'packer',
      'record',
      TeaChain.args(
        counted('shipping', 1, '2025-04-06T09:00:00+08:00', { gtin: TEA.gtin.dry, lot: TEA.lots.dry }),
      ),
      'TRACE_BAD_QUANTITY',
    );
    // All 40 by count is the whole lot: custody moves on receipt, as by weight.
    c.record('packer', counted('shipping', 40, '2025-04-06T09:30:00+08:00'));
    c.record('shop', counted('receiving', 40, '2025-04-06T11:00:00+08:00'));
    expect(held(c)).toMatchObject({ custodian: 'hefang-shop', remaining: 10_000 });
    expect(held(c).parts).toBeUndefined();
  });
});
