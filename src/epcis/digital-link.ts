import { canonicalGs1Uri, GS1_ID_DOMAIN, gs1CheckDigitValid } from './event-hash.js';

/**
 * GS1 Digital Link for products: `https://<resolver>/01/<GTIN-14>/10/<lot>[/21/<serial>]`
 * (GS1 Digital Link URI Syntax 1.2: qualifiers of AI 01 in the order 22, 10, 21; attributes in the
 * query), with the GTIN check digit verified, and the identifier *keys* the ledger indexes by
 * (`01/<gtin>/10/<lot>`, `01/<gtin>/21/<serial>`, `00/<sscc>`, `414/<gln>` — canonical DL paths).
 */

/** Why an identifier was refused. */
export type IdProblem = 'syntax' | 'check-digit' | 'characters';

/** A parse result: the value, or why not. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: IdProblem; readonly detail: string };

/** A product identifier: a GTIN-14 with an optional lot (batch) and serial, decoded. */
export interface ProductId {
  readonly gtin: string;
  readonly lot?: string;
  readonly serial?: string;
}

/** GS1 AI encodable character set 82 (lots and serials). */
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/;

/** Pad a GTIN-8/12/13 to GTIN-14. */
export function gtin14(gtin: string): string {
  return gtin.padStart(14, '0');
}

/** A GTIN (8, 12, 13 or 14 digits) as GTIN-14 with its check digit verified. */
export function parseGtin(gtin: string): Parsed<string> {
  if (!/^(?:[0-9]{8}|[0-9]{12}|[0-9]{13}|[0-9]{14})$/.test(gtin)) {
    return { ok: false, problem: 'syntax', detail: 'a GTIN has 8, 12, 13 or 14 digits' };
  }
  const g = gtin14(gtin);
  if (!gs1CheckDigitValid(g)) {
    return { ok: false, problem: 'check-digit', detail: `GTIN ${gtin} has a wrong check digit` };
  }
  return { ok: true, value: g };
}

/** True for an 18-digit SSCC, a 13-digit GLN… (a GS1 key of `digits` digits) with a valid check digit. */
export function validKey(key: string, digits: number): boolean {
  return key.length === digits && gs1CheckDigitValid(key);
}

/** A lot or serial: 1..max characters of CSET 82. */
function attr(v: string, max: number, what: string): Parsed<string> {
  if (v.length === 0 || v.length > max)
    return { ok: false, problem: 'syntax', detail: `${what} must be 1..${max} characters` };
  if (!CSET82.test(v))
    return { ok: false, problem: 'characters', detail: `${what} has characters outside GS1 CSET 82` };
  return { ok: true, value: v };
}

/** Percent-encode a lot/serial for a DL path (everything but letters, digits, `-`, `.`, `_`). */
export function dlEncode(v: string): string {
  return v.replace(
    /[^A-Za-z0-9\-._]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

function dlDecode(v: string): string | undefined {
  try {
    return decodeURIComponent(v);
  } catch {
    return undefined;
  }
}

/**
 * A product DL path (`/01/<gtin>[/22/<cpv>][/10/<lot>][/21/<serial>]`, with or without the
 * leading slash; a full URI's path is taken), GTIN check digit verified.
 */
export function parseProductPath(pathOrUri: string): Parsed<ProductId> {
  const path = pathOrUri.replace(/^https?:\/\/[^/]*/, '').replace(/[?#].*$/, '');
  const segs = path.split('/').filter((s, i) => !(i === 0 && s === ''));
  if (segs[0] !== '01' || segs.length < 2 || segs.length % 2 !== 0) {
    return { ok: false, problem: 'syntax', detail: 'expected /01/<gtin>[/10/<lot>][/21/<serial>]' };
  }
  const g = parseGtin(segs[1] as string);
  if (!g.ok) return g;
  let lot: string | undefined;
  let serial: string | undefined;
  let last = 0;
  const rank: Record<string, number> = { '22': 1, '10': 2, '21': 3 };
  for (let i = 2; i < segs.length; i += 2) {
    const ai = segs[i] as string;
    const r = rank[ai];
    if (r === undefined || r <= last)
      return { ok: false, problem: 'syntax', detail: `unexpected qualifier ${ai}` };
    last = r;
    const raw = dlDecode(segs[i + 1] as string);
    if (raw === undefined)
      return { ok: false, problem: 'syntax', detail: `bad percent-encoding after ${ai}` };
    const a = attr(raw, 20, ai === '10' ? 'lot' : ai === '21' ? 'serial' : 'cpv');
    if (!a.ok) return a;
    if (ai === '10') lot = a.value;
    if (ai === '21') serial = a.value;
  }
  return {
    ok: true,
    value: {
      gtin: g.value,
      ...(lot === undefined ? {} : { lot }),
      ...(serial === undefined ? {} : { serial }),
    },
  };
}

/** The DL path of a product identifier: `01/<gtin>[/10/<lot>][/21/<serial>]` (no leading slash). */
export function productPath(id: ProductId): string {
  let p = `01/${id.gtin}`;
  if (id.lot !== undefined) p += `/10/${dlEncode(id.lot)}`;
  if (id.serial !== undefined) p += `/21/${dlEncode(id.serial)}`;
  return p;
}

/** The Digital Link URI of a product identifier on `base` (e.g. `https://tea.example`; default id.gs1.org). */
export function formatDigitalLink(id: ProductId, base: string = GS1_ID_DOMAIN): string {
  return `${base.replace(/\/+$/, '')}/${productPath(id)}`;
}

/** The ledger key of a lot: `01/<gtin>/10/<lot>`. */
export function lotKey(gtin: string, lot: string): string {
  return `01/${gtin}/10/${dlEncode(lot)}`;
}

/** The ledger key of a serialised item: `01/<gtin>/21/<serial>`. */
export function serialKey(gtin: string, serial: string): string {
  return `01/${gtin}/21/${dlEncode(serial)}`;
}

/** What a ledger identifier key names. */
export type GS1Key =
  | { readonly kind: 'lot'; readonly gtin: string; readonly lot: string }
  | { readonly kind: 'serial'; readonly gtin: string; readonly serial: string }
  | { readonly kind: 'class'; readonly gtin: string }
  | { readonly kind: 'sscc'; readonly sscc: string }
  | { readonly kind: 'gln'; readonly gln: string; readonly ext?: string }
  | { readonly kind: 'other'; readonly key: string };

/**
 * Parse a ledger identifier key (a canonical DL path) strictly: known AIs, check digits verified,
 * values re-encoded exactly as `dlEncode` does (so one identifier has exactly one key).
 */
export function parseKey(key: string): Parsed<GS1Key> {
  const segs = key.split('/');
  const bad = (problem: IdProblem, detail: string): Parsed<GS1Key> => ({ ok: false, problem, detail });
  const ai = segs[0];
  const v = segs[1] ?? '';
  const decoded = (s: string | undefined, max: number, what: string): Parsed<string> => {
    const d = s === undefined ? undefined : dlDecode(s);
    if (d === undefined || dlEncode(d) !== s)
      return { ok: false, problem: 'syntax', detail: `${what} is not canonically encoded` };
    return attr(d, max, what);
  };
  if (ai === '01') {
    if (!/^[0-9]{14}$/.test(v)) return bad('syntax', 'a GTIN key has 14 digits');
    if (!gs1CheckDigitValid(v)) return bad('check-digit', `GTIN ${v} has a wrong check digit`);
    if (segs.length === 2) return { ok: true, value: { kind: 'class', gtin: v } };
    if (segs.length !== 4 || (segs[2] !== '10' && segs[2] !== '21'))
      return bad('syntax', 'expected 01/<gtin>/10/<lot> or /21/<serial>');
    const a = decoded(segs[3], 20, segs[2] === '10' ? 'lot' : 'serial');
    if (!a.ok) return a;
    return {
      ok: true,
      value:
        segs[2] === '10'
          ? { kind: 'lot', gtin: v, lot: a.value }
          : { kind: 'serial', gtin: v, serial: a.value },
    };
  }
  if (ai === '00') {
    if (segs.length !== 2 || !/^[0-9]{18}$/.test(v)) return bad('syntax', 'an SSCC key is 00/<18 digits>');
    return gs1CheckDigitValid(v)
      ? { ok: true, value: { kind: 'sscc', sscc: v } }
      : bad('check-digit', `SSCC ${v} has a wrong check digit`);
  }
  if (ai === '414') {
    if (!/^[0-9]{13}$/.test(v)) return bad('syntax', 'a GLN key is 414/<13 digits>[/254/<ext>]');
    if (!gs1CheckDigitValid(v)) return bad('check-digit', `GLN ${v} has a wrong check digit`);
    if (segs.length === 2) return { ok: true, value: { kind: 'gln', gln: v } };
    if (segs.length !== 4 || segs[2] !== '254') return bad('syntax', 'a GLN extension is /254/<ext>');
    const a = decoded(segs[3], 20, 'GLN extension');
    return a.ok ? { ok: true, value: { kind: 'gln', gln: v, ext: a.value } } : a;
  }
  if (key.length === 0 || key.length > 200 || !/^[0-9]{2,4}\/[^\s]+$/.test(key))
    return bad('syntax', 'not a GS1 key');
  return { ok: true, value: { kind: 'other', key } };
}

/**
 * The ledger key of any identifier an EPCIS event may carry (EPC URI, EPC class/pattern URI,
 * Digital Link on any domain): its constrained canonical DL path, values re-encoded by `dlEncode`.
 * Undefined when it names no GS1 key (a private URI, a geo: location…).
 */
export function keyOf(uri: string): string | undefined {
  const c = canonicalGs1Uri(uri);
  if (c === undefined) return undefined;
  const segs = c.slice(GS1_ID_DOMAIN.length + 1).split('/');
  // Re-encode qualifier values (EPC URIs leave some characters raw that DL paths encode).
  for (let i = 3; i < segs.length; i += 2) {
    const d = dlDecode(segs[i] as string);
    if (d === undefined) return undefined;
    segs[i] = dlEncode(d);
  }
  return segs.join('/');
}
