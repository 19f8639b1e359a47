import { formatDigitalLink, gs1CheckDigit } from '../epcis/index.js';
import { GZ_BIZSTEP } from '../modules/trace/index.js';

/**
 * One season of a West Lake Longjing garden as GS1 EPCIS 2.0 events (JSON-LD): picking with the
 * garden's sensor readings, pan-firing, packing 250 g tins into a case, shipping to a tea shop, a
 * sale — and the frauds the ledger catches. Shared by `gongzhi demo tea`, the demo node, the tests
 * and the benchmark. Identifiers are GS1 China-style (company prefix 6901234), check digits
 * computed, never typed.
 */

const CP = '6901234';
const withCheck = (digits: string): string => digits + gs1CheckDigit(digits);
const gtin = (item: string): string => withCheck(`0${CP}${item}`);
const gln = (loc: string): string => withCheck(`${CP}${loc}`);

/** The story's identifiers. */
export const TEA = {
  gtin: { fresh: gtin('00001'), dry: gtin('00002'), tin: gtin('00003') },
  gln: {
    garden: gln('10001'),
    outsideGarden: gln('10002'),
    factory: gln('20001'),
    packer: gln('30001'),
    warehouse: gln('40001'),
    shop: gln('50001'),
  },
  /** The shipping case (SSCC: extension 0, company prefix, serial reference). */
  sscc: withCheck(`0${CP}000000001`),
  lots: { fresh: 'SF250402', dry: 'LJ250402' },
  season: '2025-spring',
  tins: 40,
  tinGrams: 250,
} as const;

/** Tin serials 0001..0040. */
export const tinSerial = (i: number): string => String(i).padStart(4, '0');

/** The Gongzhi extension namespace of the story's documents (`gz:` in the JSON-LD context). */
export const GZ_CONTEXT = { gz: 'urn:gongzhi:trace:' } as const;

const DL = (path: string): string => `https://id.gs1.org/${path}`;
const lotUri = (g: string, lot: string): string => formatDigitalLink({ gtin: g, lot });
export const tinUri = (i: number): string => formatDigitalLink({ gtin: TEA.gtin.tin, serial: tinSerial(i) });
const place = (g: string) => ({ id: DL(`414/${g}`) });

/** An EPCIS 2.0 document around `events` (their shared `@context` with the `gz:` prefix). */
export function epcisDocument(
  events: readonly Record<string, unknown>[],
  created = '2025-04-10T12:00:00+08:00',
) {
  return {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', GZ_CONTEXT],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: created,
    epcisBody: { eventList: events },
  };
}

const sensor = (time: string, device: string, reports: readonly [string, number, string][]) => ({
  sensorMetadata: { time, deviceID: DL(`8004/${CP}${device}`) },
  sensorReport: reports.map(([type, value, uom]) => ({ type, value, uom })),
});

/** Picking at a garden: a new fresh-leaf lot (ObjectEvent ADD, commissioning) with sensor readings. */
export function pickingEvent(o: {
  lot: string;
  kg: number;
  time: string;
  gardenGln?: string;
  season?: string;
}): Record<string, unknown> {
  const at = o.gardenGln ?? TEA.gln.garden;
  return {
    type: 'ObjectEvent',
    eventTime: o.time,
    eventTimeZoneOffset: '+08:00',
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    readPoint: place(at),
    bizLocation: place(at),
    quantityList: [{ epcClass: lotUri(TEA.gtin.fresh, o.lot), quantity: o.kg, uom: 'KGM' }],
    sensorElementList: [
      sensor(o.time, 'SOIL-07', [
        ['VolumeFraction', 32.5, 'P1'],
        ['Temperature', 14.2, 'CEL'],
      ]),
      sensor(o.time, 'AIR-03', [
        ['Temperature', 16.8, 'CEL'],
        ['RelativeHumidity', 78, 'P1'],
      ]),
    ],
    ilmd: {
      'gz:season': o.season ?? TEA.season,
      'gz:pickerRole': '采茶工 tea picker',
      'gz:pruned': '2025-02-20',
      'gz:picked': o.time.slice(0, 10),
    },
  };
}

/** Pan-firing at the factory: fresh leaf in, dry tea out (TransformationEvent). */
export function firingEvent(o: {
  inKg: number;
  outKg: number;
  time: string;
  outLot?: string;
}): Record<string, unknown> {
  return {
    type: 'TransformationEvent',
    eventTime: o.time,
    eventTimeZoneOffset: '+08:00',
    bizStep: `${GZ_BIZSTEP}pan_firing`,
    readPoint: place(TEA.gln.factory),
    bizLocation: place(TEA.gln.factory),
    inputQuantityList: [{ epcClass: lotUri(TEA.gtin.fresh, TEA.lots.fresh), quantity: o.inKg, uom: 'KGM' }],
    outputQuantityList: [
      { epcClass: lotUri(TEA.gtin.dry, o.outLot ?? TEA.lots.dry), quantity: o.outKg, uom: 'KGM' },
    ],
    sensorElementList: [sensor(o.time, 'PAN-01', [['Temperature', 230, 'CEL']])],
    ilmd: {
      'gz:processorRole': '炒茶师 tea master',
      'gz:method': '手工炒制 hand pan-fired',
      'gz:fired': o.time.slice(0, 10),
    },
  };
}

/** Packing dry tea into serialised 250 g tins (TransformationEvent, commissioning the serials). */
export function tinningEvent(o: {
  inKg: number;
  tins: number;
  time: string;
  first?: number;
}): Record<string, unknown> {
  const first = o.first ?? 1;
  return {
    type: 'TransformationEvent',
    eventTime: o.time,
    eventTimeZoneOffset: '+08:00',
    bizStep: 'commissioning',
    readPoint: place(TEA.gln.packer),
    bizLocation: place(TEA.gln.packer),
    inputQuantityList: [{ epcClass: lotUri(TEA.gtin.dry, TEA.lots.dry), quantity: o.inKg, uom: 'KGM' }],
    outputEPCList: Array.from({ length: o.tins }, (_, i) => tinUri(first + i)),
    ilmd: { 'gz:lot': TEA.lots.dry, 'gz:netWeight': '250 g' },
  };
}

/** Tins into the shipping case (AggregationEvent ADD, packing). */
export function casingEvent(o: { tins: number; time: string }): Record<string, unknown> {
  return {
    type: 'AggregationEvent',
    eventTime: o.time,
    eventTimeZoneOffset: '+08:00',
    action: 'ADD',
    bizStep: 'packing',
    disposition: 'in_progress',
    readPoint: place(TEA.gln.packer),
    parentID: DL(`00/${TEA.sscc}`),
    childEPCs: Array.from({ length: o.tins }, (_, i) => tinUri(i + 1)),
  };
}

/** Each holder's party GLN (PGLN `417/<gln>` in source and destination lists; registered with it). */
export const PARTY_GLN = {
  garden: TEA.gln.garden,
  factory: TEA.gln.factory,
  packer: TEA.gln.packer,
  logistics: TEA.gln.warehouse,
  shop: TEA.gln.shop,
} as const;

/**
 * A lot handed over between two holders: shipped by `from` (ObjectEvent OBSERVE, shipping, with
 * its source and destination parties) or received by `to` (receiving). Custody moves on receipt.
 */
export function handoverEvent(o: {
  step: 'shipping' | 'receiving';
  gtin: string;
  lot: string;
  kg: number;
  from: keyof typeof PARTY_GLN;
  to: keyof typeof PARTY_GLN;
  time: string;
}): Record<string, unknown> {
  const shipping = o.step === 'shipping';
  const at = place(PARTY_GLN[shipping ? o.from : o.to]);
  return {
    type: 'ObjectEvent',
    eventTime: o.time,
    eventTimeZoneOffset: '+08:00',
    action: 'OBSERVE',
    bizStep: o.step,
    disposition: shipping ? 'in_transit' : 'in_progress',
    readPoint: at,
    bizLocation: at,
    quantityList: [{ epcClass: lotUri(o.gtin, o.lot), quantity: o.kg, uom: 'KGM' }],
    sourceList: [{ type: 'possessing_party', source: DL(`417/${PARTY_GLN[o.from]}`) }],
    destinationList: [{ type: 'possessing_party', destination: DL(`417/${PARTY_GLN[o.to]}`) }],
  };
}

/**
 * The case shipped or received: ObjectEvent OBSERVE. The packer ships it to the carrier, the
 * carrier receives it at its warehouse and ships it to the shop, the shop receives it.
 */
export function caseEvent(
  step: 'shipping' | 'receiving',
  time: string,
  leg: 'pickup' | 'delivery' = 'delivery',
): Record<string, unknown> {
  const shipping = step === 'shipping';
  if (leg === 'pickup') {
    const at = place(shipping ? TEA.gln.packer : TEA.gln.warehouse);
    return {
      type: 'ObjectEvent',
      eventTime: time,
      eventTimeZoneOffset: '+08:00',
      action: 'OBSERVE',
      bizStep: step,
      disposition: shipping ? 'in_transit' : 'in_progress',
      readPoint: at,
      bizLocation: at,
      epcList: [DL(`00/${TEA.sscc}`)],
      sourceList: [{ type: 'possessing_party', source: DL(`417/${TEA.gln.packer}`) }],
      destinationList: [{ type: 'possessing_party', destination: DL(`417/${TEA.gln.warehouse}`) }],
    };
  }
  return {
    type: 'ObjectEvent',
    eventTime: time,
    eventTimeZoneOffset: '+08:00',
    action: 'OBSERVE',
    bizStep: step,
    disposition: shipping ? 'in_transit' : 'in_progress',
    readPoint: place(shipping ? TEA.gln.warehouse : TEA.gln.shop),
    epcList: [DL(`00/${TEA.sscc}`)],
    ...(shipping
      ? {
          sourceList: [{ type: 'owning_party', source: DL(`417/${TEA.gln.packer}`) }],
          destinationList: [{ type: 'owning_party', destination: DL(`417/${TEA.gln.shop}`) }],
          sensorElementList: [sensor(time, 'TRUCK-12', [['Temperature', 18.5, 'CEL']])],
        }
      : { bizLocation: place(TEA.gln.shop) }),
  };
}

/** A tin sold at the shop (ObjectEvent OBSERVE, retail_selling). */
export function saleEvent(tin: number, time: string): Record<string, unknown> {
  return {
    type: 'ObjectEvent',
    eventTime: time,
    eventTimeZoneOffset: '+08:00',
    action: 'OBSERVE',
    bizStep: 'retail_selling',
    disposition: 'retail_sold',
    readPoint: place(TEA.gln.shop),
    bizLocation: place(TEA.gln.shop),
    epcList: [tinUri(tin)],
  };
}

/** Who's who of the story: participant id, kind, name, and what it records. */
export const TEA_PARTIES = {
  admin: { id: 'westlake-assoc', name: '西湖龙井茶产业协会 West Lake Longjing Tea Association' },
  garden: { id: 'shifeng-coop', kind: 'garden', name: '狮峰龙井茶专业合作社 Shifeng Longjing Co-op' },
  outsider: { id: 'yuhang-coop', kind: 'garden', name: '某茶叶合作社 (outside the protected area)' },
  factory: { id: 'longjing-factory', kind: 'factory', name: '龙井茶厂 Longjing Tea Factory' },
  packer: { id: 'xihu-packing', kind: 'packer', name: '西湖茶叶包装 Xihu Tea Packing' },
  logistics: { id: 'zj-express', kind: 'logistics', name: '浙江冷链物流 Zhejiang Express' },
  shop: { id: 'hefang-shop', kind: 'retailer', name: '河坊街茶庄 Hefang Street Tea House' },
} as const;

/** The registered garden: 20,000 m² (30 mu) at 60 g/m² per season → 1,200 kg of fresh leaf. */
export const TEA_GARDEN = {
  id: 'shifeng-01',
  name: '狮峰山茶园一号地 Shifeng Hill garden no. 1',
  region: '杭州市西湖区龙井村 Longjing village, West Lake district, Hangzhou',
  areaM2: 20_000,
  yieldGramsPerM2: 60,
} as const;

/** The products: fresh leaf, dry tea (at most 1 kg from 4 kg of leaf), 250 g tins. */
export const TEA_PRODUCTS = [
  { key: 'fresh', name: '西湖龙井 鲜叶 fresh leaf', owner: 'shifeng-coop' },
  {
    key: 'dry',
    name: '西湖龙井 干茶 dry tea (bulk)',
    owner: 'longjing-factory',
    ratio: { input: 4, output: 1 },
  },
  { key: 'tin', name: '西湖龙井 250 g 罐装 tin', owner: 'xihu-packing', unitGrams: 250 },
] as const;

type Party = keyof typeof TEA_PARTIES;
const fresh = { gtin: TEA.gtin.fresh, lot: TEA.lots.fresh, kg: 48 };
const dry = { gtin: TEA.gtin.dry, lot: TEA.lots.dry, kg: 11 };

/** The season's genuine events, in order: [who records it, event]. Custody moves by hand-overs. */
export function teaSeason(): [Party, Record<string, unknown>][] {
  return [
    ['garden', pickingEvent({ lot: TEA.lots.fresh, kg: 48, time: '2025-04-02T06:30:00+08:00' })],
    [
      'garden',
      handoverEvent({
        step: 'shipping',
        ...fresh,
        from: 'garden',
        to: 'factory',
        time: '2025-04-02T09:00:00+08:00',
      }),
    ],
    [
      'factory',
      handoverEvent({
        step: 'receiving',
        ...fresh,
        from: 'garden',
        to: 'factory',
        time: '2025-04-02T10:00:00+08:00',
      }),
    ],
    ['factory', firingEvent({ inKg: 48, outKg: 11, time: '2025-04-02T14:00:00+08:00' })],
    [
      'factory',
      handoverEvent({
        step: 'shipping',
        ...dry,
        from: 'factory',
        to: 'packer',
        time: '2025-04-03T09:00:00+08:00',
      }),
    ],
    [
      'packer',
      handoverEvent({
        step: 'receiving',
        ...dry,
        from: 'factory',
        to: 'packer',
        time: '2025-04-03T15:00:00+08:00',
      }),
    ],
    ['packer', tinningEvent({ inKg: 10, tins: TEA.tins, time: '2025-04-05T09:00:00+08:00' })],
    ['packer', casingEvent({ tins: TEA.tins, time: '2025-04-05T11:00:00+08:00' })],
    ['packer', caseEvent('shipping', '2025-04-05T17:00:00+08:00', 'pickup')],
    ['logistics', caseEvent('receiving', '2025-04-05T18:00:00+08:00', 'pickup')],
    ['logistics', caseEvent('shipping', '2025-04-06T08:00:00+08:00')],
    ['shop', caseEvent('receiving', '2025-04-07T10:00:00+08:00')],
    ['shop', saleEvent(1, '2025-04-10T15:20:00+08:00')],
  ];
}
