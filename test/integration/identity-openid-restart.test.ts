import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JoseWallet, type OpenIdNode, post, startOpenIdNode } from '../helpers/openid-issuer.js';

/**
 * Pending OpenID4VCI offers, codes, tokens and nonces and OpenID4VP requests live in the node's
 * SQLite file (src/storage/pending-secrets.ts): a node restart loses none of them, and whatever
 * was used before the restart stays used after it. Each step closes the HTTP server and the node
 * (every SQLite file) and starts both again on the same data directory; the wallet is jose only.
 */
describe('OpenID pending state across node restarts', () => {
  let n: OpenIdNode;
  let wallet: JoseWallet;
  let credential = '';

  beforeAll(async () => {
    n = await startOpenIdNode('gongzhi-openid-restart-');
    wallet = await JoseWallet.create();
  }, 60_000);
  afterAll(async () => {
    await n?.stop();
  }, 30_000);

  it('an offer made before a restart is redeemed after it; the code stays used across another restart', async () => {
    const code = await n.offer({ name: 'Ana', degree: 'BSc' });
    await n.restart();
    credential = await wallet.receive(n.url(), code);
    const payload = JSON.parse(Buffer.from(credential.split('.')[1] ?? '', 'base64url').toString());
    expect(payload.iss).toBe(n.net.did('uni'));
    expect(payload.cnf.jwk).toEqual(wallet.jwk);
    await n.restart();
    const again = await wallet.token(n.url(), code);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: 'invalid_grant', code: 'IDENTITY_OID4VCI_CODE_USED' });
  });

  it('a token and a nonce from before a restart work once after it, then are refused', async () => {
    const t = await wallet.token(n.url(), await n.offer({ name: 'Bo', degree: 'MA' }));
    expect(t.status).toBe(200);
    const nonce = await wallet.nonce(n.url());
    await n.restart();
    const proof = await wallet.proof(n.url(), nonce);
    const ok = await wallet.credential(n.url(), t.body.access_token, proof);
    expect(ok.status).toBe(200);
    await n.restart();
    // The nonce is used: a second credential with another token and the same proof is refused.
    const t2 = await wallet.token(n.url(), await n.offer({ name: 'Cy', degree: 'PhD' }));
    const reused = await wallet.credential(n.url(), t2.body.access_token, proof);
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ error: 'invalid_nonce', code: 'IDENTITY_OID4VCI_BAD_NONCE' });
    // And the token from before is spent.
    const spent = await wallet.credential(
      n.url(),
      t.body.access_token,
      await wallet.proof(n.url(), await wallet.nonce(n.url())),
    );
    expect(spent.status).toBe(401);
    expect(spent.body.code).toBe('IDENTITY_OID4VCI_BAD_TOKEN');
    // t2 was not consumed by the refused request: it still issues.
    const still = await wallet.credential(
      n.url(),
      t2.body.access_token,
      await wallet.proof(n.url(), await wallet.nonce(n.url())),
    );
    expect(still.status).toBe(200);
  });

  it('an OpenID4VP request made before a restart is answered after it; its outcome survives another', async () => {
    const r = await post(`${n.url()}/v1/groups/main/openid4vp/requests`, {
      dcql_query: { credentials: [{ id: 'degree', format: 'dc+sd-jwt', claims: [{ path: ['degree'] }] }] },
      policy: { category: 'university', schemaId: 1500 },
    });
    expect(r.status).toBe(200);
    const { state, transaction_id, request } = r.body;
    const outcome = async () =>
      (await post(`${n.url()}/v1/groups/main/openid4vp/outcome`, { transaction_id })).body;
    await n.restart();
    const responseUri = request.response_uri as string;
    expect(responseUri).toBe(`${n.url()}/v1/groups/main/openid4vp/response`);
    expect((await outcome()).status).toBe('pending');
    const vp = await wallet.present(credential, ['degree'], request.client_id, request.nonce);
    const form = new URLSearchParams({ vp_token: JSON.stringify({ degree: [vp] }), state }).toString();
    expect((await post(responseUri, form)).status).toBe(200);
    await n.restart();
    const out = await outcome();
    expect(out).toMatchObject({ status: 'answered', valid: true });
    expect(out.credentials.degree.claims.degree).toBe('BSc');
    // Answered once: a second answer, after the restart, is refused and the outcome is unchanged.
    const again = await post(`${n.url()}/v1/groups/main/openid4vp/response`, form);
    expect(again.body.code).toBe('IDENTITY_OID4VP_UNKNOWN_REQUEST');
    expect((await outcome()).valid).toBe(true);
  });
});
