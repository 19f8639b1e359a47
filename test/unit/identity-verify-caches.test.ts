import { describe, expect, it } from 'vitest';
import {
  HeadMemo,
  issueSdJwtVc,
  presentSdJwtVc,
  publicJwk,
  verifySdJwtSignatures,
} from '../../src/credentials/index.js';
import { getSuite } from '../../src/crypto/index.js';
import { fromBase64Url, toBase64Url, utf8 } from '../../src/encoding/index.js';

/** The verifier's read cache: one answer per query while the head stays, none kept across heads. */
describe('HeadMemo', () => {
  const ledger = () => {
    const state = { head: {}, bit: false, calls: 0, fail: false };
    const reader = {
      query: (_m: string, name: string, args: Readonly<Record<string, unknown>>) => {
        state.calls++;
        if (state.fail) throw new Error('not found');
        return { name, args, set: state.bit };
      },
    };
    return { state, memo: new HeadMemo(reader, () => state.head, 3) };
  };

  it('answers a repeated query from the cache until the head moves, then reads the new state', () => {
    const { state, memo } = ledger();
    expect(memo.query('identity', 'status', { index: 1 })).toMatchObject({ set: false });
    expect(memo.query('identity', 'status', { index: 1 })).toMatchObject({ set: false });
    expect(state.calls).toBe(1);
    state.bit = true;
    // Same head: the state cannot have changed on a real ledger, so the answer stands.
    expect(memo.query('identity', 'status', { index: 1 })).toMatchObject({ set: false });
    state.head = {};
    expect(memo.query('identity', 'status', { index: 1 })).toMatchObject({ set: true });
    expect(state.calls).toBe(2);
    expect(memo.query('identity', 'status', { index: 2 })).toMatchObject({ set: true });
    expect(state.calls).toBe(3);
  });

  it('keeps no failed query and no more than its bound', () => {
    const { state, memo } = ledger();
    state.fail = true;
    expect(() => memo.query('identity', 'resolve', { did: 'x' })).toThrow('not found');
    expect(() => memo.query('identity', 'resolve', { did: 'x' })).toThrow('not found');
    expect(state.calls).toBe(2);
    state.fail = false;
    for (let i = 0; i < 5; i++) memo.query('identity', 'resolve', { did: `d${i}` });
    expect(memo.size).toBeLessThanOrEqual(3);
  });
});

/** Issuer signatures found valid are kept: a hit needs the same signature, key and signed bytes. */
describe('issuer signature cache', () => {
  const ed = getSuite('ed25519');
  const issuer = ed.generateKeyPair();
  const other = ed.generateKeyPair();
  const holder = ed.generateKeyPair();
  const did = 'did:gongzhi:c:main:gz0000000000000000000000000000000000000001';
  const cred = () =>
    issueSdJwtVc({
      issuer: { type: 'ed25519', ...issuer, kid: `${did}#key-1` },
      subject: 'did:example:h',
      holder: { type: 'ed25519', publicKey: holder.publicKey },
      schema: { schemaId: 1000, version: 1, schema: { type: 'object' } },
      vctPrefix: 'did:gongzhi:c:main',
      claims: { name: 'Ana', grade: 'A' },
      iat: 1_700_000_000,
      exp: 1_800_000_000,
    });
  const present = (c: string) =>
    presentSdJwtVc(
      c,
      { type: 'ed25519', ...holder },
      { disclose: ['name'], nonce: 'n', aud: 'a', iat: 1_700_000_100 },
    );
  const jwk = (k: { publicKey: Uint8Array }) => publicJwk({ type: 'ed25519', publicKey: k.publicKey });

  it('a second presentation of a verified credential verifies; changed bytes or another key do not', async () => {
    const c = await cred();
    const opts = { nonce: 'n', now: 1_700_000_000 };
    await expect(verifySdJwtSignatures(await present(c), jwk(issuer), opts)).resolves.toBeDefined();
    await expect(verifySdJwtSignatures(await present(c), jwk(issuer), opts)).resolves.toBeDefined();
    // The cached signature under another key: refused.
    await expect(verifySdJwtSignatures(await present(c), jwk(other), opts)).rejects.toThrow(/signature/i);
    // The cached signature over a changed payload (another grade digest list): refused.
    const [jwt, ...tail] = (await present(c)).split('~');
    const [h, p, sig] = (jwt ?? '').split('.');
    const payload = JSON.parse(new TextDecoder().decode(fromBase64Url(p ?? '')));
    payload.sub = 'did:example:someone-else';
    const forged = [`${h}.${toBase64Url(utf8(JSON.stringify(payload)))}.${sig}`, ...tail].join('~');
    await expect(verifySdJwtSignatures(forged, jwk(issuer), opts)).rejects.toThrow(/signature/i);
  });
});
