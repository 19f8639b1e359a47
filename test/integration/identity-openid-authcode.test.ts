import { createHash, randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerIdentity } from '../../src/cli/commands/identity.js';
import { encryptKeystore, writeKeystoreFile } from '../../src/crypto/index.js';
import {
  getJson,
  http,
  JoseWallet,
  type OpenIdNode,
  post,
  startOpenIdNode,
} from '../helpers/openid-issuer.js';

const REDIRECT = 'https://wallet.example/cb';
const CLIENT = 'wallet-client';

/**
 * The OpenID4VCI authorization code flow with PKCE (RFC 7636 S256), issuer-initiated by an offer
 * with `issuer_state`, as a wallet does it over plain HTTP with jose for the proof — and every
 * bad input refused with its code and nothing consumed that should not be.
 */
describe('OpenID4VCI authorization code flow with PKCE', () => {
  let n: OpenIdNode;
  let wallet: JoseWallet;
  beforeAll(async () => {
    n = await startOpenIdNode('gongzhi-openid-authcode-');
    wallet = await JoseWallet.create();
  }, 60_000);
  afterAll(async () => {
    await n?.stop();
  }, 30_000);

  const issuerState = async () => {
    const o = await n.offerRaw({ name: 'Ana', degree: 'BSc' }, { grant: 'authorization_code' });
    expect(o.status).toBe(200);
    expect(Object.keys(o.body.credential_offer.grants)).toEqual(['authorization_code']);
    return o.body.credential_offer.grants.authorization_code.issuer_state as string;
  };
  const pkce = () => {
    const verifier = randomBytes(32).toString('base64url');
    return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
  };
  const authorize = async (params: Record<string, string>) => {
    const as = await getJson(`${n.url()}/.well-known/oauth-authorization-server`);
    const url = new URL(as.authorization_endpoint);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const res = await http('GET', url.toString());
    return { status: res.status, body: res.status === 302 ? {} : JSON.parse(res.text), res };
  };
  const authParams = (state: string, challenge: string, extra: Record<string, string> = {}) => ({
    response_type: 'code',
    client_id: CLIENT,
    redirect_uri: REDIRECT,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    issuer_state: state,
    state: 'wallet-state-1',
    authorization_details: JSON.stringify([
      { type: 'openid_credential', credential_configuration_id: 'degree' },
    ]),
    ...extra,
  });
  /** The 302's Location: back to the wallet with the code, its state and the issuer. */
  const codeOf = async (params: Record<string, string>) => {
    const { res } = await authorize(params);
    expect(res.status).toBe(302);
    const to = new URL(res.location ?? '');
    expect(`${to.origin}${to.pathname}`).toBe(REDIRECT);
    expect(to.searchParams.get('state')).toBe('wallet-state-1');
    expect(to.searchParams.get('iss')).toBe(n.url());
    return to.searchParams.get('code') ?? '';
  };
  const token = (form: Record<string, string>) =>
    post(`${n.url()}/v1/openid4vci/token`, new URLSearchParams(form).toString());

  it('metadata → authorize (302 with code, state, iss) → token with the verifier → credential, across a restart', async () => {
    const as = await getJson(`${n.url()}/.well-known/oauth-authorization-server`);
    expect(as.grant_types_supported).toContain('authorization_code');
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    const meta = await getJson(`${n.url()}/.well-known/openid-credential-issuer`);
    expect(meta.credential_configurations_supported.degree.scope).toBe('degree');
    const { verifier, challenge } = pkce();
    const code = await codeOf(authParams(await issuerState(), challenge));
    await n.restart();
    const t = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: CLIENT,
      code_verifier: verifier,
    });
    expect(t.status).toBe(200);
    const c = await wallet.credential(
      n.url(),
      t.body.access_token,
      await wallet.proof(n.url(), await wallet.nonce(n.url())),
    );
    expect(c.status).toBe(200);
    const payload = JSON.parse(
      Buffer.from(String(c.body.credentials[0].credential).split('.')[1] ?? '', 'base64url').toString(),
    );
    expect(payload.iss).toBe(n.net.did('uni'));
    expect(payload._sd).toHaveLength(2);
    expect(payload.cnf.jwk).toEqual(wallet.jwk);
  });

  it('refuses a request without S256 PKCE, a bad redirect_uri or another configuration — the issuer_state stays usable', async () => {
    const state = await issuerState();
    const { challenge } = pkce();
    for (const extra of [
      { code_challenge_method: 'plain' },
      { code_challenge: 'short' },
      { redirect_uri: 'javascript:alert(1)' },
      { redirect_uri: 'http://evil.example/cb' },
      { response_type: 'token' },
      { client_id: '' },
      {
        authorization_details: JSON.stringify([
          { type: 'openid_credential', credential_configuration_id: 'other' },
        ]),
      },
      { authorization_details: 'not json' },
    ]) {
      const r = await authorize(authParams(state, challenge, extra));
      expect(r.status, JSON.stringify(extra)).toBe(400);
      expect(r.body).toMatchObject({
        error: 'invalid_request',
        code: 'IDENTITY_OID4VCI_BAD_AUTHORIZATION_REQUEST',
      });
    }
    // None of those consumed it: it authorises once, then never again.
    expect((await codeOf(authParams(state, challenge))).length).toBeGreaterThan(20);
    const again = await authorize(authParams(state, challenge));
    expect(again.body.code).toBe('IDENTITY_OID4VCI_BAD_AUTHORIZATION_REQUEST');
  });

  it('a wrong code_verifier spends the code; a wrong redirect_uri or client_id is refused', async () => {
    const { verifier, challenge } = pkce();
    const form = (code: string, extra: Record<string, string> = {}) => ({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: CLIENT,
      code_verifier: verifier,
      ...extra,
    });
    const code = await codeOf(authParams(await issuerState(), challenge));
    const wrong = await token(form(code, { code_verifier: pkce().verifier }));
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: 'invalid_grant', code: 'IDENTITY_OID4VCI_BAD_GRANT' });
    const after = await token(form(code));
    expect(after.body).toMatchObject({ error: 'invalid_grant', code: 'IDENTITY_OID4VCI_CODE_USED' });
    const code2 = await codeOf(authParams(await issuerState(), challenge));
    expect((await token(form(code2, { redirect_uri: 'https://wallet.example/other' }))).body.code).toBe(
      'IDENTITY_OID4VCI_BAD_GRANT',
    );
    const code3 = await codeOf(authParams(await issuerState(), challenge));
    expect((await token(form(code3, { client_id: 'someone-else' }))).body.code).toBe(
      'IDENTITY_OID4VCI_BAD_GRANT',
    );
    expect((await token(form('never-issued'))).body.code).toBe('IDENTITY_OID4VCI_BAD_GRANT');
    // tx_code belongs to the pre-authorised grant only.
    const mixed = await n.offerRaw(
      { name: 'Bo', degree: 'MA' },
      { grant: 'authorization_code', tx_code: '1234' },
    );
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.code).toBe('IDENTITY_OID4VCI_BAD_OFFER_REQUEST');
  });

  it('`gongzhi credential offer --grant authorization_code` prints an offer with an issuer_state that authorises', async () => {
    const dir = join(tmpdir(), `gongzhi-authcode-cli-${process.pid}`);
    const ks = `${dir}-uni.json`;
    await writeKeystoreFile(
      ks,
      await encryptKeystore('ed25519', n.net.key('uni'), 'pw', { scryptN: 2 ** 10, weakForTests: true }),
    );
    writeFileSync(`${dir}-pw.txt`, 'pw\n');
    writeFileSync(`${dir}-claims.json`, JSON.stringify({ name: 'Dee', degree: 'MSc' }));
    const program = new Command().exitOverride();
    registerIdentity(program);
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    try {
      await program.parseAsync(
        ['credential', 'offer', '--url', n.url(), '--group', 'main', '--key', ks]
          .concat(['--password-file', `${dir}-pw.txt`, '--configuration', 'degree'])
          .concat(['--claims', `${dir}-claims.json`, '--grant', 'authorization_code']),
        { from: 'user' },
      );
    } finally {
      write.mockRestore();
      for (const f of [ks, `${dir}-pw.txt`, `${dir}-claims.json`]) rmSync(f, { force: true });
    }
    const offer = JSON.parse(new URL(out.join('').trim()).searchParams.get('credential_offer') ?? '');
    const state = offer.grants.authorization_code.issuer_state as string;
    expect(offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']).toBeUndefined();
    expect((await codeOf(authParams(state, pkce().challenge))).length).toBeGreaterThan(20);
  });
});
