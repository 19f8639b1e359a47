import { describe, expect, it } from 'vitest';
import {
  decodeCompact,
  decodeVerifiedSdJwt,
  issueSdJwtVc,
  presentSdJwtVc,
  publicJwk,
  signCompact,
  verifySdJwtSignatures,
} from '../../src/credentials/index.js';
import { getSuite } from '../../src/crypto/index.js';
import { GongzhiError } from '../../src/errors/index.js';

/** What decoding threw: its code and the field it names. */
function refusal(fn: () => unknown): { code: string; field: unknown } {
  try {
    fn();
  } catch (e) {
    if (e instanceof GongzhiError) return { code: e.code, field: e.details.field };
    throw e;
  }
  throw new Error('expected a refusal');
}

const kb = {
  header: { typ: 'kb+jwt', alg: 'EdDSA' },
  payload: { iat: 1_700_000_100, aud: 'a', nonce: 'n', sd_hash: 'h' },
};

/** The SD-JWT library's answer read strictly: every field the verifier reads, checked by name. */
describe('decodeVerifiedSdJwt', () => {
  it('reads a well-formed answer, with and without a key-binding JWT', () => {
    expect(decodeVerifiedSdJwt({ payload: { iss: 'x' }, header: { alg: 'EdDSA' } })).toEqual({
      payload: { iss: 'x' },
      header: { alg: 'EdDSA' },
    });
    const r = decodeVerifiedSdJwt({ payload: { iss: 'x' }, header: undefined, kb });
    expect(r.header).toBeUndefined();
    expect(r.kb?.payload.iat).toBe(1_700_000_100);
    expect(r.kb?.header.typ).toBe('kb+jwt');
  });

  it.each([
    ['not an object', 'x', 'verified'],
    ['a payload that is an array', { payload: [1] }, 'payload'],
    ['no payload', { header: {} }, 'payload'],
    ['a header that is a string', { payload: {}, header: 'h' }, 'header'],
    ['an unknown key', { payload: {}, extra: 1 }, 'verified.extra'],
    ['a kb without header', { payload: {}, kb: { payload: kb.payload } }, 'kb.header'],
    [
      'a kb iat as a string',
      { payload: {}, kb: { ...kb, payload: { ...kb.payload, iat: '1700000100' } } },
      'kb.payload.iat',
    ],
    [
      'a kb iat that is NaN',
      { payload: {}, kb: { ...kb, payload: { ...kb.payload, iat: Number.NaN } } },
      'kb.payload.iat',
    ],
    [
      'a kb aud as a list',
      { payload: {}, kb: { ...kb, payload: { ...kb.payload, aud: ['a'] } } },
      'kb.payload.aud',
    ],
    [
      'a kb without nonce',
      { payload: {}, kb: { ...kb, payload: { iat: 1, aud: 'a', sd_hash: 'h' } } },
      'kb.payload.nonce',
    ],
    [
      'a kb with an empty sd_hash',
      { payload: {}, kb: { ...kb, payload: { ...kb.payload, sd_hash: '' } } },
      'kb.payload.sd_hash',
    ],
    ['a kb header without alg', { payload: {}, kb: { ...kb, header: { typ: 'kb+jwt' } } }, 'kb.header.alg'],
  ])('refuses %s (IDENTITY_BAD_FORMAT, naming the field)', (_what, res, field) => {
    expect(refusal(() => decodeVerifiedSdJwt(res))).toEqual({ code: 'IDENTITY_BAD_FORMAT', field });
  });
});

/** A KB-JWT the library accepts (it checks `iat` for presence only) but whose `iat` is a string. */
describe('verifySdJwtSignatures on a signed but malformed key-binding JWT', () => {
  const ed = getSuite('ed25519');
  const issuer = ed.generateKeyPair();
  const holder = ed.generateKeyPair();
  const holderKey = { type: 'ed25519' as const, ...holder };
  const did = 'did:gongzhi:c:main:gz0000000000000000000000000000000000000001';

  it('is refused with IDENTITY_BAD_FORMAT naming kb.payload.iat; the same presentation with a number verifies', async () => {
    const cred = await issueSdJwtVc({
      issuer: { type: 'ed25519', ...issuer, kid: `${did}#key-1` },
      subject: 'did:example:h',
      holder: { type: 'ed25519', publicKey: holder.publicKey },
      schema: { schemaId: 1000, version: 1, schema: { type: 'object' } },
      vctPrefix: 'did:gongzhi:c:main',
      claims: { name: 'Ana' },
      iat: 1_700_000_000,
      exp: 1_800_000_000,
    });
    const vp = await presentSdJwtVc(cred, holderKey, {
      disclose: ['name'],
      nonce: 'n',
      aud: 'a',
      iat: 1_700_000_100,
    });
    const jwk = publicJwk({ type: 'ed25519', publicKey: issuer.publicKey });
    const opts = { nonce: 'n', now: 1_700_000_100 };
    const ok = await verifySdJwtSignatures(vp, jwk, opts);
    expect(ok.kb?.payload.nonce).toBe('n');
    expect(ok.payload.name).toBe('Ana');

    const cut = vp.lastIndexOf('~') + 1;
    const { header, payload } = decodeCompact(vp.slice(cut));
    const resigned = signCompact(holderKey, header, { ...payload, iat: String(payload.iat) });
    const err = await verifySdJwtSignatures(vp.slice(0, cut) + resigned, jwk, opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GongzhiError);
    expect((err as GongzhiError).code).toBe('IDENTITY_BAD_FORMAT');
    expect((err as GongzhiError).details.field).toBe('kb.payload.iat');
  });
});
