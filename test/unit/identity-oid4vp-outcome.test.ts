import { describe, expect, it } from 'vitest';
import { MemorySecrets, PresentationRequests } from '../../src/credentials/index.js';
import { toBase64Url, utf8 } from '../../src/encoding/index.js';
import { GongzhiError } from '../../src/errors/index.js';

/**
 * The relying party's read handle: the outcome of an OpenID4VP request is read with the
 * transaction_id only its creator was given (and the response_code of a redirected answer), never
 * with the state that travels in the request link.
 */
const DCQL = { credentials: [{ id: 'degree', format: 'dc+sd-jwt', claims: [{ path: ['degree'] }] }] };
const RESPONSE_URI = 'https://verifier.example/v1/groups/main/openid4vp/response';

/** A presentation whose KB-JWT names this nonce and audience (the stub verifier checks nothing else). */
const vpFor = (nonce: string, aud: string) => {
  const part = (o: object) => toBase64Url(utf8(JSON.stringify(o)));
  return `issuer-jwt~${part({ typ: 'kb+jwt', alg: 'EdDSA' })}.${part({ nonce, aud, iat: 1 })}.sig`;
};

/** Counts what is stored, to see that a refused call kept nothing. */
class CountingSecrets extends MemorySecrets {
  puts = 0;
  override put(...a: Parameters<MemorySecrets['put']>): void {
    this.puts++;
    super.put(...a);
  }
}

function world() {
  let verified = 0;
  const store = new CountingSecrets();
  const requests = new PresentationRequests({
    store,
    now: () => 1_700_000_000,
    verify: async () => {
      verified++;
      return { valid: true, checks: [], errors: [], claims: { degree: 'BSc' } };
    },
  });
  const answer = (r: ReturnType<PresentationRequests['create']>) =>
    requests.respond('main', {
      state: r.state,
      vp_token: JSON.stringify({
        degree: [vpFor(String(r.request.nonce), String(r.request.client_id))],
      }),
    });
  return { requests, answer, store, verified: () => verified };
}

/** The code a call threw (sync or async). */
async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof GongzhiError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('OpenID4VP outcome read handle', () => {
  it('the outcome is read with the transaction id; the state shows only whether it was answered', async () => {
    const { requests, answer } = world();
    const r = requests.create('main', RESPONSE_URI, DCQL);
    expect(r.transaction_id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The handle is in nothing the wallet or a bystander sees.
    expect(JSON.stringify(r.request)).not.toContain(r.transaction_id);
    expect(r.request_link).not.toContain(r.transaction_id);
    expect(requests.outcome('main', r.transaction_id)).toEqual({ status: 'pending' });
    expect(await answer(r)).toEqual({});
    expect(requests.status('main', r.state)).toEqual({ status: 'answered' });
    expect(requests.outcome('main', r.transaction_id)).toMatchObject({
      status: 'answered',
      valid: true,
      credentials: { degree: { claims: { degree: 'BSc' } } },
    });
  });

  it('refuses the state, an unknown handle and another group’s with IDENTITY_OID4VP_UNKNOWN_TRANSACTION', async () => {
    const { requests, answer } = world();
    const r = requests.create('main', RESPONSE_URI, DCQL);
    await answer(r);
    for (const [group, id] of [
      ['main', r.state],
      ['main', 'x'.repeat(43)],
      ['other', r.transaction_id],
    ] as const) {
      expect(await codeOf(() => requests.outcome(group, id))).toBe('IDENTITY_OID4VP_UNKNOWN_TRANSACTION');
    }
    // Nothing changed: the right handle still reads the outcome.
    expect(requests.outcome('main', r.transaction_id).status).toBe('answered');
  });

  it('with a redirect_uri the wallet is sent there with a response_code, and the outcome needs it', async () => {
    const { requests, answer } = world();
    const r = requests.create('main', RESPONSE_URI, DCQL, {}, { redirectUri: 'https://rp.example/done?x=1' });
    expect(requests.outcome('main', r.transaction_id)).toEqual({ status: 'pending' });
    const reply = await answer(r);
    const m = /^https:\/\/rp\.example\/done\?x=1#response_code=([A-Za-z0-9_-]{32})$/.exec(
      reply.redirect_uri ?? '',
    );
    expect(m).not.toBeNull();
    const code = m?.[1] ?? '';
    expect(await codeOf(() => requests.outcome('main', r.transaction_id))).toBe(
      'IDENTITY_OID4VP_BAD_RESPONSE_CODE',
    );
    expect(await codeOf(() => requests.outcome('main', r.transaction_id, `${code.slice(1)}A`))).toBe(
      'IDENTITY_OID4VP_BAD_RESPONSE_CODE',
    );
    // The refusals consumed nothing: the code from the redirect reads the outcome, again.
    expect(requests.outcome('main', r.transaction_id, code)).toMatchObject({
      status: 'answered',
      valid: true,
    });
    expect(requests.outcome('main', r.transaction_id, code).status).toBe('answered');
  });

  it.each([
    ['plain http off loopback', 'http://rp.example/done'],
    ['a fragment', 'https://rp.example/done#x'],
    ['not a URL', 'rp.example/done'],
    ['another scheme', 'javascript:alert(1)'],
  ])(
    'refuses a redirect_uri that is %s (IDENTITY_OID4VP_BAD_REDIRECT_URI), keeping no request',
    async (_w, uri) => {
      const { requests, store } = world();
      expect(await codeOf(() => requests.create('main', RESPONSE_URI, DCQL, {}, { redirectUri: uri }))).toBe(
        'IDENTITY_OID4VP_BAD_REDIRECT_URI',
      );
      expect(store.puts).toBe(0);
      expect(
        requests.create('main', RESPONSE_URI, DCQL, {}, { redirectUri: 'http://127.0.0.1:8080/cb' }).state,
      ).toBeTruthy();
    },
  );
});
