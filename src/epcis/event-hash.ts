/**
 * The CBV 2.0 canonical event hash (CBV 2.0 §8.9, "EPCIS event hash ID"): an EPCIS 2.0 event in
 * JSON-LD → its pre-hash string → `ni:///sha-256;<hex>?ver=CBV2.0`. Also the GS1 keys it needs: the
 * GS1 check digit, EPC URIs (TDS 2.0) → GS1 Digital Link, and any Digital Link URI → its
 * *constrained canonical* form (`https://id.gs1.org/…`, no query, the most fine-grained key level).
 *
 * This file imports nothing, on purpose: the consumer page re-hashes events in the browser with
 * these very functions (browser.ts serialises them), so everything here is plain functions and
 * constant tables over strings. SHA-256 itself is applied by the caller (node:crypto on the node,
 * WebCrypto or sha256Hex in the page). Notes on the algorithm, and where the published test
 * vectors (RalphTro/epcis-event-hash-generator) decide an ambiguity, are in docs/traceability.md.
 */

/** The canonical Digital Link domain of the event hash. */
export const GS1_ID_DOMAIN = 'https://id.gs1.org';

/** GS1 mod-10 check digit of `digits` (without the check digit): weights 3,1,3,… from the right. */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = digits.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (digits.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10;
}

/** True when `key` (all digits) ends in its correct GS1 check digit. */
export function gs1CheckDigitValid(key: string): boolean {
  if (!/^[0-9]{2,18}$/.test(key)) return false;
  return gs1CheckDigit(key.slice(0, -1)) === key.charCodeAt(key.length - 1) - 48;
}

/** Percent-encode the characters GS1 Digital Link requires encoded that EPC URIs allow unencoded. */
export function dlEncodeFromEpc(s: string): string {
  return s.replace(/[!()*+,:]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A character of an EPC URI component (TDS: GS3A3 characters, escapes kept as they are). */
const EPC_CHARS = "(?:%[0-9A-Fa-f]{2}|[!'()*+,.0-9:;=A-Za-z_-])";

/** `cp.ref` with the lengths TDS allows: a 6..12-digit company prefix and `total - cp` digits. */
function splitPrefix(body: string, total: number): { cp: string; ref: string; rest: string } | undefined {
  const m = /^([0-9]{6,12})\.([0-9]*)(?:\.(.*))?$/.exec(body);
  if (m === null) return undefined;
  const cp = m[1] as string;
  const ref = m[2] as string;
  if (cp.length + ref.length !== total) return undefined;
  return { cp, ref, rest: m[3] ?? '' };
}

/** GTIN-14 from an EPC company prefix and item reference (indicator digit first). */
function gtinOf(cp: string, ref: string): string {
  const raw = ref.slice(0, 1) + cp + ref.slice(1);
  return raw + gs1CheckDigit(raw);
}

function withCheck(raw: string): string {
  return raw + gs1CheckDigit(raw);
}

const serialOk = (s: string, max: number): boolean => new RegExp(`^${EPC_CHARS}{1,${max}}$`).test(s);

/**
 * The Digital Link path (without domain) of an EPC pure-identity, class or pattern URI, or
 * undefined when `uri` is not one (TDS 2.0 §6, §8; the schemes EPCIS events carry).
 */
export function epcUriToDlPath(uri: string): string | undefined {
  const m = /^urn:epc:(id|class|idpat):([a-z]+):(.*)$/.exec(uri);
  if (m === null) return undefined;
  const kind = m[1] as string;
  const scheme = m[2] as string;
  const body = m[3] as string;
  if (kind === 'class') {
    if (scheme !== 'lgtin') return undefined;
    const p = splitPrefix(body, 13);
    return p && serialOk(p.rest, 20) ? `01/${gtinOf(p.cp, p.ref)}/10/${dlEncodeFromEpc(p.rest)}` : undefined;
  }
  if (kind === 'idpat') return idPatternToDlPath(scheme, body);
  switch (scheme) {
    case 'sgtin': {
      const p = splitPrefix(body, 13);
      return p && serialOk(p.rest, 20)
        ? `01/${gtinOf(p.cp, p.ref)}/21/${dlEncodeFromEpc(p.rest)}`
        : undefined;
    }
    case 'sscc': {
      const p = splitPrefix(body, 17);
      return p && p.rest === '' && !body.endsWith('.')
        ? `00/${withCheck(p.ref.slice(0, 1) + p.cp + p.ref.slice(1))}`
        : undefined;
    }
    case 'sgln': {
      const p = splitPrefix(body, 12);
      if (!p || !serialOk(p.rest, 20)) return undefined;
      const gln = withCheck(p.cp + p.ref);
      return p.rest === '0' ? `414/${gln}` : `414/${gln}/254/${dlEncodeFromEpc(p.rest)}`;
    }
    case 'grai': {
      const p = splitPrefix(body, 12);
      return p && serialOk(p.rest, 16)
        ? `8003/${withCheck(`0${p.cp}${p.ref}`)}${dlEncodeFromEpc(p.rest)}`
        : undefined;
    }
    case 'giai':
    case 'ginc': {
      const m2 = new RegExp(`^([0-9]{6,12})\\.(${EPC_CHARS}+)$`).exec(body);
      if (m2 === null) return undefined;
      const cp = m2[1] as string;
      const ref = m2[2] as string;
      return serialOk(ref, 30 - cp.length)
        ? `${scheme === 'giai' ? '8004' : '401'}/${cp}${dlEncodeFromEpc(ref)}`
        : undefined;
    }
    case 'gsrn':
    case 'gsrnp': {
      const p = splitPrefix(body, 17);
      return p && p.rest === '' && !body.endsWith('.')
        ? `${scheme === 'gsrn' ? '8018' : '8017'}/${withCheck(p.cp + p.ref)}`
        : undefined;
    }
    case 'gdti':
    case 'sgcn': {
      const p = splitPrefix(body, 12);
      if (!p) return undefined;
      if (scheme === 'sgcn') {
        return /^[0-9]{1,12}$/.test(p.rest) ? `255/${withCheck(p.cp + p.ref)}${p.rest}` : undefined;
      }
      return serialOk(p.rest, 17) ? `253/${withCheck(p.cp + p.ref)}${dlEncodeFromEpc(p.rest)}` : undefined;
    }
    case 'cpi': {
      const m2 =
        /^([0-9]{6,12})\.((?:%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-])+)\.([0-9]{1,12})$/.exec(
          body,
        );
      if (m2 === null) return undefined;
      return `8010/${dlEncodeFromEpc((m2[1] as string) + (m2[2] as string))}/8011/${m2[3] as string}`;
    }
    case 'gsin': {
      const p = splitPrefix(body, 16);
      return p && p.rest === '' && !body.endsWith('.') ? `402/${withCheck(p.cp + p.ref)}` : undefined;
    }
    case 'pgln': {
      const p = splitPrefix(body, 12);
      return p && p.rest === '' ? `417/${withCheck(p.cp + p.ref)}` : undefined;
    }
    case 'itip': {
      const m2 = new RegExp(
        `^([0-9]{6,12})\\.([0-9]+)\\.([0-9]{2})\\.([0-9]{2})\\.(${EPC_CHARS}{1,20})$`,
      ).exec(body);
      if (m2 === null || (m2[1] as string).length + (m2[2] as string).length !== 13) return undefined;
      const gtin = gtinOf(m2[1] as string, m2[2] as string);
      return `8006/${gtin}${m2[3] as string}${m2[4] as string}/21/${dlEncodeFromEpc(m2[5] as string)}`;
    }
    case 'upui': {
      const p = splitPrefix(body, 13);
      return p && serialOk(p.rest, 28)
        ? `01/${gtinOf(p.cp, p.ref)}/235/${dlEncodeFromEpc(p.rest)}`
        : undefined;
    }
    default:
      return undefined;
  }
}

/** EPC pattern URIs (`…:*`): the class level they name. */
function idPatternToDlPath(scheme: string, body: string): string | undefined {
  if (!body.endsWith('.*')) return undefined;
  const inner = body.slice(0, -2);
  switch (scheme) {
    case 'sgtin':
    case 'upui': {
      const p = splitPrefix(inner, 13);
      return p && p.rest === '' && !inner.endsWith('.') ? `01/${gtinOf(p.cp, p.ref)}` : undefined;
    }
    case 'grai': {
      const p = splitPrefix(inner, 12);
      return p && p.rest === '' ? `8003/${withCheck(`0${p.cp}${p.ref}`)}` : undefined;
    }
    case 'gdti':
    case 'sgcn': {
      const p = splitPrefix(inner, 12);
      return p && p.rest === ''
        ? `${scheme === 'gdti' ? '253' : '255'}/${withCheck(p.cp + p.ref)}`
        : undefined;
    }
    case 'cpi': {
      const m = /^([0-9]{6,12})\.((?:%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-])+)$/.exec(inner);
      return m === null ? undefined : `8010/${dlEncodeFromEpc((m[1] as string) + (m[2] as string))}`;
    }
    case 'itip': {
      const m = /^([0-9]{6,12})\.([0-9]+)\.([0-9]{2})\.([0-9]{2})$/.exec(inner);
      if (m === null || (m[1] as string).length + (m[2] as string).length !== 13) return undefined;
      return `8006/${gtinOf(m[1] as string, m[2] as string)}${m[3] as string}${m[4] as string}`;
    }
    default:
      return undefined;
  }
}

/** Digital Link short names → AIs (DL 1.1 allowed them; canonical URIs use the AIs). */
const DL_SHORT_NAMES: Readonly<Record<string, string>> = {
  gtin: '01',
  itip: '8006',
  cpid: '8010',
  gln: '414',
  party: '417',
  gsrnp: '8017',
  gsrn: '8018',
  gcn: '255',
  sscc: '00',
  gdti: '253',
  ginc: '401',
  gsin: '402',
  grai: '8003',
  giai: '8004',
  cpv: '22',
  lot: '10',
  ser: '21',
};

/** A value of a DL path segment: GS1 characters allowed unescaped in a URI path, or %-escapes. */
const DL_VALUE = /^(?:%[0-9A-Fa-f]{2}|["'\-.0-9;<=>A-Z_a-z])+$/;

/** Length of a DL value counting each %-escape as the one character it stands for. */
const dlLength = (v: string): number => v.replace(/%[0-9A-Fa-f]{2}/g, '_').length;

const dlValue = (v: string | undefined, max: number): boolean =>
  v !== undefined && DL_VALUE.test(v) && dlLength(v) <= max;

/**
 * Key → check of its value. `q` lists the qualifiers kept, most fine-grained first: the
 * constrained form keeps only that one (CBV 2.0 event hash: "the most fine-granular level");
 * `drop` the qualifiers allowed but never kept (CPV). Any other qualifier makes the URI invalid.
 */
const DL_KEYS: Readonly<
  Record<string, { re: RegExp; q: readonly (readonly [string, number])[]; drop?: readonly string[] }>
> = {
  '00': { re: /^[0-9]{18}$/, q: [] },
  '01': {
    re: /^[0-9]{14}$/,
    q: [
      ['21', 20],
      ['10', 20],
      ['235', 28],
    ],
    drop: ['22'],
  },
  '253': { re: /^[0-9]{13}(?:%[0-9A-Fa-f]{2}|["'\-.0-9;<=>A-Z_a-z]){0,17}$/, q: [] },
  '255': { re: /^[0-9]{13}[0-9]{0,12}$/, q: [] },
  '401': { re: /^[0-9]{4}(?:%[0-9A-Fa-f]{2}|["'\-.0-9;<=>A-Z_a-z]){0,26}$/, q: [] },
  '402': { re: /^[0-9]{17}$/, q: [] },
  '414': { re: /^[0-9]{13}$/, q: [['254', 20]] },
  '417': { re: /^[0-9]{13}$/, q: [] },
  '8003': { re: /^[0-9]{14}(?:%[0-9A-Fa-f]{2}|["'\-.0-9;<=>A-Z_a-z]){0,16}$/, q: [] },
  '8004': { re: /^[0-9]{4}(?:%[0-9A-Fa-f]{2}|["'\-.0-9;<=>A-Z_a-z]){0,26}$/, q: [] },
  '8006': {
    re: /^[0-9]{18}$/,
    q: [
      ['21', 20],
      ['10', 20],
    ],
    drop: ['22'],
  },
  '8010': { re: /^(?:%2[3Ff]|[-0-9A-Z]){4,30}$/, q: [['8011', 12]] },
  '8017': { re: /^[0-9]{18}$/, q: [] },
  '8018': { re: /^[0-9]{18}$/, q: [] },
};

/**
 * The constrained canonical DL path (`01/…/21/…`, no domain) of a GS1 Digital Link URI on any
 * domain, or undefined when `uri` is not one. Query and fragment are dropped, short names become
 * AIs, GTIN-8/12/13 are padded to 14 digits, only the most fine-grained qualifier is kept.
 */
export function digitalLinkToDlPath(uri: string): string | undefined {
  const m = /^https?:\/\/[^/?#]*((?:\/[^/?#]*)*)(?:\?[^#]*)?(?:#.*)?$/.exec(uri);
  if (m === null) return undefined;
  const segs = (m[1] as string)
    .split('/')
    .slice(1)
    .map((s) => DL_SHORT_NAMES[s] ?? s);
  if (segs.length > 0 && segs[segs.length - 1] === '') segs.pop();
  for (let i = 0; i + 1 < segs.length; i++) {
    const ai = segs[i] as string;
    const spec = DL_KEYS[ai];
    if (spec === undefined) continue;
    let value = segs[i + 1] as string;
    if (ai === '01' && /^(?:[0-9]{8}|[0-9]{12}|[0-9]{13})$/.test(value)) value = value.padStart(14, '0');
    if (!spec.re.test(value)) return undefined;
    if ((segs.length - i) % 2 !== 0) return undefined;
    const quals = new Map<string, string>();
    for (let j = i + 2; j + 1 < segs.length; j += 2) {
      const q = segs[j] as string;
      if (!spec.q.some(([k]) => k === q) && !(spec.drop ?? []).includes(q)) return undefined;
      quals.set(q, segs[j + 1] as string);
    }
    for (const [q, max] of spec.q) {
      const qv = quals.get(q);
      if (qv === undefined) continue;
      if (!dlValue(qv, max)) return undefined;
      return `${ai}/${value}/${q}/${qv}`;
    }
    return `${ai}/${value}`;
  }
  return undefined;
}

/**
 * The constrained canonical GS1 Digital Link URI of an EPC URI or a Digital Link URI, or
 * undefined when `uri` names no GS1 key (the value is then hashed as it is).
 */
export function canonicalGs1Uri(uri: string): string | undefined {
  const path = uri.startsWith('urn:epc:') ? epcUriToDlPath(uri) : digitalLinkToDlPath(uri);
  return path === undefined ? undefined : `${GS1_ID_DOMAIN}/${path}`;
}

// ---------------------------------------------------------------------------------------------
// Pre-hash string

/** Where the CBV web vocabulary lives (bare JSON-LD terms expand into it). */
export const CBV = 'https://ref.gs1.org/cbv/';
/** GS1 Web Vocabulary (measurement types, sensor alerts). */
export const GS1_VOC = 'https://gs1.org/voc/';

/** The CURIE prefixes the EPCIS 2.0 JSON-LD context defines; a document's own context overrides them. */
export const EPCIS_CONTEXT_PREFIXES: Readonly<Record<string, string>> = {
  epcis: 'https://ref.gs1.org/epcis/',
  cbv: CBV,
  cbvmda: 'urn:epcglobal:cbv:mda:',
  gs1: GS1_VOC,
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcterms: 'http://purl.org/dc/terms/',
};

/**
 * Bare-string vocabulary (JSON-LD `@type: @vocab` terms of the EPCIS context): under the key
 * holding an object (`''` = the event itself), which field's bare value expands with which prefix.
 */
const VOCAB: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '': { bizStep: `${CBV}BizStep-`, disposition: `${CBV}Disp-` },
  persistentDisposition: { set: `${CBV}Disp-`, unset: `${CBV}Disp-` },
  bizTransactionList: { type: `${CBV}BTT-` },
  sourceList: { type: `${CBV}SDT-` },
  destinationList: { type: `${CBV}SDT-` },
  sensorReport: { type: GS1_VOC, exception: GS1_VOC, component: `${CBV}Comp-` },
  errorDeclaration: { reason: `${CBV}ER-` },
};

/** Lists of typed pairs (`type` + identifier): rendered `type=…<id>=…`, type first. */
const PAIR_LISTS: Readonly<Record<string, string>> = {
  bizTransactionList: 'bizTransaction',
  sourceList: 'source',
  destinationList: 'destination',
};

/** List element names as the XML binding (and so the pre-hash) calls them. */
const ELEMENT_NAMES: Readonly<Record<string, string>> = {
  epcList: 'epc',
  inputEPCList: 'epc',
  outputEPCList: 'epc',
  childEPCs: 'epc',
  quantityList: 'quantityElement',
  childQuantityList: 'quantityElement',
  inputQuantityList: 'quantityElement',
  outputQuantityList: 'quantityElement',
  sensorElementList: 'sensorElement',
};

const QUANTITY_ORDER = [
  ['epcClass', null],
  ['quantity', null],
  ['uom', null],
] as const;

/** The canonical property order (CBV 2.0 §8.9.2, as the reference implementation applies it). */
const PROP_ORDER: readonly (readonly [string, unknown])[] = [
  ['eventTime', null],
  ['eventTimeZoneOffset', null],
  ['certificationInfo', null],
  ['parentID', null],
  ['epcList', [['epc', null]]],
  ['inputEPCList', [['epc', null]]],
  ['childEPCs', [['epc', null]]],
  ['quantityList', [['quantityElement', QUANTITY_ORDER]]],
  ['childQuantityList', [['quantityElement', QUANTITY_ORDER]]],
  ['inputQuantityList', [['quantityElement', QUANTITY_ORDER]]],
  ['outputEPCList', [['epc', null]]],
  ['outputQuantityList', [['quantityElement', QUANTITY_ORDER]]],
  ['action', null],
  ['transformationID', null],
  ['bizStep', null],
  ['disposition', null],
  [
    'persistentDisposition',
    [
      ['set', null],
      ['unset', null],
    ],
  ],
  ['readPoint', [['id', null]]],
  ['bizLocation', [['id', null]]],
  [
    'sensorElementList',
    [
      [
        'sensorElement',
        [
          [
            'sensorMetadata',
            ['time', 'startTime', 'endTime', 'deviceID', 'deviceMetadata', 'rawData']
              .concat(['dataProcessingMethod', 'bizRules'])
              .map((n) => [n, null]),
          ],
          [
            'sensorReport',
            ['type', 'exception', 'deviceID', 'deviceMetadata', 'rawData', 'dataProcessingMethod', 'time']
              .concat(['microorganism', 'chemicalSubstance', 'value', 'component', 'stringValue'])
              .concat(['booleanValue', 'hexBinaryValue', 'uriValue', 'minValue', 'maxValue', 'meanValue'])
              .concat(['sDev', 'percRank', 'percValue', 'uom', 'coordinateReferenceSystem'])
              .map((n) => [n, null]),
          ],
        ],
      ],
    ],
  ],
];

/** Event fields that never enter the hash. */
const NOT_HASHED = ['recordTime', 'eventID', 'type', 'errorDeclaration'];

/** Keys dropped everywhere (comments). */
const COMMENT_KEYS = ['#text', 'comment', 'rdfs:comment'];

/**
 * The reference implementation's convention for repository-specific fields left out of the hash:
 * a document-level `<prefix>:ignoreFields` list, the prefix bound to this namespace.
 */
export const IGNORE_FIELDS_NS = 'https://repository-x.example.com/';

/** One node of an event as the pre-hash sees it: a name, a value, children (the XML model). */
interface PreHashNode {
  name: string;
  value: string;
  children: PreHashNode[];
  /** A `type` + identifier pair of bizTransactionList / sourceList / destinationList. */
  pairOf?: string;
}

/** Python's `str` ordering (code points; UTF-16 order differs only around surrogates). */
export function comparePython(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && x <= 0xdfff) x += 0x10000;
    if (y >= 0xd800 && y <= 0xdfff) y += 0x10000;
    return x - y;
  }
  return a.length - b.length;
}

/** A number as the pre-hash writes it: no trailing zeros, no `+`, `1e-05` style below 1e-4. */
export function canonicalNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x)) return BigInt(x).toString();
  if (Math.abs(x) >= 1e-4) return String(x);
  const [mant, exp] = x.toExponential().split('e');
  const e = Number(exp);
  return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** A numeric literal (with optional `_` between digits, as the reference's number check accepts). */
const NUMERIC = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;

/** A numeric text in canonical form; anything else unchanged. */
function canonicalNumericText(text: string): string {
  if (!NUMERIC.test(text)) return text;
  const x = Number(text.replace(/_/g, ''));
  return Number.isFinite(x) ? canonicalNumber(x) : text;
}

/** Old CBV URNs → CBV web URIs. */
function webVocabulary(text: string): string {
  if (!text.includes('urn:epcglobal:cbv:')) return text;
  return text
    .replaceAll('urn:epcglobal:cbv:bizstep:', `${CBV}BizStep-`)
    .replaceAll('urn:epcglobal:cbv:disp:', `${CBV}Disp-`)
    .replaceAll('urn:epcglobal:cbv:btt:', `${CBV}BTT-`)
    .replaceAll('urn:epcglobal:cbv:sdt:', `${CBV}SDT-`)
    .replaceAll('urn:epcglobal:cbv:er:', `${CBV}ER-`);
}

/** A value in canonical form: CBV URNs as web URIs, numbers without trailing zeros, GS1 keys as DL. */
export function canonicalValue(text: string): string {
  const t = canonicalNumericText(webVocabulary(text));
  return canonicalGs1Uri(t) ?? t;
}

/**
 * An xsd:dateTimeStamp in UTC with milliseconds (`2020-03-04T10:00:30.000Z`), the 4th decimal
 * rounding the 3rd (half to even, digits beyond the 6th ignored); undefined when `text` is not a
 * timestamp. A time without offset is read as UTC.
 */
export function canonicalTimestamp(text: string): string | undefined {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(
      text,
    );
  if (m === null) return undefined;
  const num = (i: number): number => Number(m[i] ?? '0');
  const [y, mo, d, h, mi, s] = [num(1), num(2), num(3), num(4), num(5), num(6)];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const us = Number((m[7] ?? '').slice(0, 6).padEnd(6, '0'));
  let ms = Math.floor(us / 1000);
  const rest = us % 1000;
  if (rest > 500 || (rest === 500 && ms % 2 === 1)) ms += 1;
  // Date.UTC maps years 0..99 to 19xx, hence the explicit setUTCFullYear; a day that does not
  // exist in that month (Feb 30) rolls over, which the check refuses.
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
  date.setUTCFullYear(y);
  if (date.getUTCDate() !== d || date.getUTCMonth() !== mo - 1) return undefined;
  let offsetMin = 0;
  const tz = m[8];
  if (tz !== undefined && tz.toUpperCase() !== 'Z') {
    const digits = tz.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMin = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || '0'));
  }
  return new Date(date.getTime() + ms - offsetMin * 60_000).toISOString();
}

/** `prefix:local` → `{namespace}local` for a prefix in `ns` (a key of a user extension). */
function expandKey(key: string, ns: Readonly<Record<string, string>>): string {
  const i = key.indexOf(':');
  if (i <= 0) return key;
  const iri = ns[key.slice(0, i)];
  return iri === undefined ? key : `{${iri}}${key.slice(i + 1)}`;
}

/** `prefix:local` → `namespacelocal` for a prefix in `ns` (a CURIE value). */
function expandCurie(value: string, ns: Readonly<Record<string, string>>): string {
  const i = value.indexOf(':');
  if (i <= 0 || value.startsWith('//', i + 1)) return value;
  const iri = ns[value.slice(0, i)];
  return iri === undefined ? value : iri + value.slice(i + 1);
}

function scalarText(v: unknown, vocab: string | undefined, ns: Readonly<Record<string, string>>): string {
  if (typeof v === 'number') return canonicalNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v !== 'string') return '';
  if (vocab !== undefined && v.trim() !== '' && !v.includes(':')) return vocab + v.trim();
  return expandCurie(v, ns);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The nodes of value `v` under `name`: one per array item (arrays flatten), none for null. */
function valueNodes(
  name: string,
  v: unknown,
  scalarVocab: string | undefined,
  keyVocab: Readonly<Record<string, string>> | undefined,
  ns: Readonly<Record<string, string>>,
): PreHashNode[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.flatMap((x) => valueNodes(name, x, scalarVocab, keyVocab, ns));
  if (isObject(v)) {
    const children = objectNodes(v, keyVocab, ns, []);
    const text = typeof v['#text'] === 'string' ? v['#text'] : '';
    return [{ name: name === 'quantity' ? 'quantityElement' : name, value: text, children }];
  }
  return [{ name, value: scalarText(v, scalarVocab, ns), children: [] }];
}

/** The child nodes of a JSON object (its keys expanded, lists named as in the XML binding). */
function objectNodes(
  obj: Readonly<Record<string, unknown>>,
  vocab: Readonly<Record<string, string>> | undefined,
  ns: Readonly<Record<string, string>>,
  ignore: readonly string[],
): PreHashNode[] {
  const out: PreHashNode[] = [];
  for (const rawKey of Object.keys(obj)) {
    if (rawKey.startsWith('@') || COMMENT_KEYS.includes(rawKey) || ignore.includes(rawKey)) continue;
    const v = obj[rawKey];
    const key = expandKey(rawKey, ns);
    const pairId = PAIR_LISTS[key];
    const items = Array.isArray(v) ? v : [v];
    if (pairId !== undefined) {
      const pairs = items.filter(isObject).map((e) => ({
        name: pairId,
        value: '',
        children: objectNodes(e, VOCAB[key], ns, []),
        pairOf: pairId,
      }));
      out.push({ name: key, value: '', children: pairs });
    } else if (key.endsWith('List') || key === 'childEPCs') {
      const elem = ELEMENT_NAMES[key] ?? key.slice(0, -4);
      out.push({
        name: key,
        value: '',
        children: items.flatMap((x) => valueNodes(elem, x, undefined, VOCAB[key], ns)),
      });
    } else {
      out.push(...valueNodes(key, v, vocab?.[rawKey], VOCAB[key], ns));
    }
  }
  return out;
}

const isTimeField = (name: string): boolean => {
  const n = name.toLowerCase();
  return n.includes('time') && !n.includes('offset');
};

/** `name=value` (value canonical) or just `name` when the value is empty. */
function keyValue(n: PreHashNode, timeAware: boolean): string {
  const text = n.value.trim();
  if (text === '') return n.name;
  const value = timeAware && isTimeField(n.name) ? (canonicalTimestamp(text) ?? text) : canonicalValue(text);
  return `${n.name}=${value}`;
}

/** Nodes not covered by the order, in canonical form, sorted (ILMD, extensions, the pair lists). */
function genericText(nodes: readonly PreHashNode[]): string {
  const parts = nodes.map((n) => {
    if (n.pairOf !== undefined) return pairText(n);
    const kv = keyValue(n, false);
    const own = n.value.trim() === '' ? n.name : kv;
    return own + genericText(n.children);
  });
  if (parts.length > 1) parts.sort(comparePython);
  return parts.join('');
}

/** One business transaction / source / destination: the type first, then the identifier. */
function pairText(n: PreHashNode): string {
  const type = n.children.filter((c) => c.name === 'type');
  const id = n.children.filter((c) => c.name === n.pairOf);
  const rest = n.children.filter((c) => c.name !== 'type' && c.name !== n.pairOf);
  return [...type, ...id].map((c) => keyValue(c, false)).join('') + genericText(rest);
}

/**
 * The ordered part of `children` under `order`, removing what it consumed. Below the event level,
 * user extensions (`{ns}name`) follow their parent's regular fields.
 */
function orderedText(
  children: PreHashNode[],
  order: readonly (readonly [string, unknown])[],
  top: boolean,
): string {
  const extensions = top ? [] : children.filter((c) => c.name.startsWith('{'));
  if (extensions.length > 0) {
    const keep = children.filter((c) => !c.name.startsWith('{'));
    children.splice(0, children.length, ...keep);
  }
  const byName = new Map<string, PreHashNode[]>();
  for (const c of children) {
    const list = byName.get(c.name);
    if (list === undefined) byName.set(c.name, [c]);
    else list.push(c);
  }
  let out = '';
  const consumed = new Set<PreHashNode>();
  for (const [name, sub] of order) {
    const same = byName.get(name);
    if (same === undefined) continue;
    const parts: string[] = [];
    for (const c of same) {
      const inner = Array.isArray(sub) ? orderedText(c.children, sub, false) : '';
      const hasValue = c.value.trim() !== '';
      if (hasValue || inner !== '') parts.push((hasValue ? keyValue(c, true) : c.name) + inner);
      if (c.children.length === 0) consumed.add(c);
    }
    parts.sort(comparePython);
    out += parts.join('');
  }
  if (consumed.size > 0) {
    const keep = children.filter((c) => !consumed.has(c));
    children.splice(0, children.length, ...keep);
  }
  return out + genericText(extensions);
}

/** Namespace prefixes in scope: the EPCIS context's, overridden by the document's `@context`. */
export function contextPrefixes(...contexts: unknown[]): Record<string, string> {
  const out: Record<string, string> = { ...EPCIS_CONTEXT_PREFIXES };
  const visit = (c: unknown): void => {
    if (Array.isArray(c)) for (const x of c) visit(x);
    else if (isObject(c)) {
      for (const [k, v] of Object.entries(c)) if (typeof v === 'string' && !k.startsWith('@')) out[k] = v;
    }
  };
  for (const c of contexts) visit(c);
  return out;
}

/** The events of an EPCIS document (EPCISDocument, EPCISQueryDocument, or a bare event), in order. */
export function documentEvents(doc: unknown): Record<string, unknown>[] {
  if (!isObject(doc)) return [];
  if (typeof doc.type === 'string' && doc.type.endsWith('Event') && doc.epcisBody === undefined) return [doc];
  const body = doc.epcisBody;
  if (!isObject(body)) return [];
  const qr = body.queryResults;
  const list = Array.isArray(body.eventList)
    ? body.eventList
    : isObject(qr) && isObject(qr.resultsBody) && Array.isArray(qr.resultsBody.eventList)
      ? qr.resultsBody.eventList
      : isObject(body.event)
        ? [body.event]
        : [];
  return list.filter(isObject);
}

/** The document's repository-specific `ignoreFields` (see IGNORE_FIELDS_NS), as raw event keys. */
export function documentIgnoreFields(doc: unknown): string[] {
  if (!isObject(doc)) return [];
  const ns = contextPrefixes(doc['@context']);
  const holders: unknown[] = [doc];
  if (isObject(doc.epcisBody) && isObject(doc.epcisBody.queryResults))
    holders.push(doc.epcisBody.queryResults);
  const out: string[] = [];
  for (const h of holders) {
    if (!isObject(h)) continue;
    for (const [k, v] of Object.entries(h)) {
      if (expandKey(k, ns) === `{${IGNORE_FIELDS_NS}}ignoreFields` && Array.isArray(v)) {
        for (const f of v) if (typeof f === 'string') out.push(f);
      }
    }
  }
  return out;
}

/**
 * The pre-hash string of one event. `context` is the enclosing document's `@context` (the event's
 * own `@context`, if any, is added); `ignore` lists raw event keys left out (ignoreFields).
 */
export function eventPreHash(
  event: Readonly<Record<string, unknown>>,
  context?: unknown,
  ignore: readonly string[] = [],
): string {
  const ns = contextPrefixes(context, event['@context']);
  const nodes = objectNodes(event, VOCAB[''], ns, ignore);
  const type = typeof event.type === 'string' ? event.type : '';
  const ordered = orderedText(nodes, PROP_ORDER, true);
  return `eventType=${type}${ordered}${genericText(nodes.filter((n) => !NOT_HASHED.includes(n.name)))}`;
}

/** The pre-hash string of every event of an EPCIS document, in document order. */
export function documentPreHashes(doc: unknown): string[] {
  const context = isObject(doc) ? doc['@context'] : undefined;
  const ignore = documentIgnoreFields(doc);
  return documentEvents(doc).map((e) => eventPreHash(e, context, ignore));
}

/** `ni:///sha-256;<hex>?ver=CBV2.0` (RFC 6920) for a SHA-256 digest in hex. */
export function eventHashUri(sha256Hex: string): string {
  return `ni:///sha-256;${sha256Hex}?ver=CBV2.0`;
}

/** The hex digest of an `ni:///sha-256;<hex>?ver=CBV2.0` URI, or undefined. */
export function eventHashHex(uri: string): string | undefined {
  const m = /^ni:\/\/\/sha-256;([0-9a-f]{64})\?ver=CBV2\.0$/.exec(uri);
  return m === null ? undefined : m[1];
}

/**
 * Every top-level declaration of this file, for browser.ts, which writes them out as one script
 * (functions by their source text, tables by value): the consumer page hashes with exactly this
 * code. A declaration missing here makes the bundle test (test/unit/epcis-browser.test.ts) fail.
 */
export const BROWSER_PARTS: Readonly<Record<string, unknown>> = {
  GS1_ID_DOMAIN,
  EPC_CHARS,
  DL_SHORT_NAMES,
  DL_VALUE,
  DL_KEYS,
  CBV,
  GS1_VOC,
  EPCIS_CONTEXT_PREFIXES,
  VOCAB,
  PAIR_LISTS,
  ELEMENT_NAMES,
  QUANTITY_ORDER,
  PROP_ORDER,
  NOT_HASHED,
  COMMENT_KEYS,
  IGNORE_FIELDS_NS,
  NUMERIC,
  gs1CheckDigit,
  gs1CheckDigitValid,
  dlEncodeFromEpc,
  splitPrefix,
  gtinOf,
  withCheck,
  serialOk,
  epcUriToDlPath,
  idPatternToDlPath,
  dlLength,
  dlValue,
  digitalLinkToDlPath,
  canonicalGs1Uri,
  comparePython,
  canonicalNumber,
  canonicalNumericText,
  webVocabulary,
  canonicalValue,
  canonicalTimestamp,
  expandKey,
  expandCurie,
  scalarText,
  isObject,
  valueNodes,
  objectNodes,
  isTimeField,
  keyValue,
  genericText,
  pairText,
  orderedText,
  contextPrefixes,
  documentEvents,
  documentIgnoreFields,
  eventPreHash,
  documentPreHashes,
  eventHashUri,
  eventHashHex,
};
