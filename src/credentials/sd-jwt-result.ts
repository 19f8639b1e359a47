import { GongzhiError } from '../errors/index.js';

/** What the SD-JWT library found valid: the issuer JWT's claims (disclosures applied) and the KB-JWT. */
export interface VerifiedSdJwt {
  readonly payload: Readonly<Record<string, unknown>>;
  readonly header?: Readonly<Record<string, unknown>>;
  readonly kb?: {
    readonly header: Readonly<Record<string, unknown>> & { readonly typ: string; readonly alg: string };
    readonly payload: Readonly<Record<string, unknown>> & {
      readonly iat: number;
      readonly aud: string;
      readonly nonce: string;
      readonly sd_hash: string;
    };
  };
}

type Obj = Readonly<Record<string, unknown>>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(field: string, expected: string): never {
  throw new GongzhiError('IDENTITY_BAD_FORMAT', `${field} must be ${expected}`, { field });
}

function obj(v: unknown, field: string): Obj {
  return isObj(v) ? v : fail(field, 'a JSON object');
}

function str(o: Obj, key: string, at: string): string {
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : fail(`${at}.${key}`, 'a non-empty string');
}

/**
 * Read what `SDJwtInstance.verify` answers, strictly: its declared types say `payload: unknown`,
 * and the library checks the KB-JWT's claims for presence only (a string `iat` passes it), so
 * every field the verifier then reads is checked here, by name — a malformed token is a format
 * failure (IDENTITY_BAD_FORMAT, `details.field`), never a value of the wrong type further on.
 * Keys other than payload / header / kb are refused: a library that answers something new is
 * noticed here, not half-read.
 */
export function decodeVerifiedSdJwt(res: unknown): VerifiedSdJwt {
  const r = obj(res, 'verified');
  for (const k of Object.keys(r)) {
    if (k !== 'payload' && k !== 'header' && k !== 'kb') fail(`verified.${k}`, 'absent');
  }
  const payload = obj(r.payload, 'payload');
  const header = r.header === undefined ? undefined : obj(r.header, 'header');
  if (r.kb === undefined) return { payload, ...(header === undefined ? {} : { header }) };
  const kb = obj(r.kb, 'kb');
  const kh = obj(kb.header, 'kb.header');
  const kp = obj(kb.payload, 'kb.payload');
  const iat = kp.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) fail('kb.payload.iat', 'a NumericDate (a number)');
  return {
    payload,
    ...(header === undefined ? {} : { header }),
    kb: {
      header: { ...kh, typ: str(kh, 'typ', 'kb.header'), alg: str(kh, 'alg', 'kb.header') },
      payload: {
        ...kp,
        iat,
        aud: str(kp, 'aud', 'kb.payload'),
        nonce: str(kp, 'nonce', 'kb.payload'),
        sd_hash: str(kp, 'sd_hash', 'kb.payload'),
      },
    },
  };
}
