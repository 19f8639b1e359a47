import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchDelivery, placeVersion, serveDelivery } from '../../src/api/datashare-delivery.js';
import { getSuite, type SuiteId } from '../../src/crypto/index.js';
import { toHex, utf8 } from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';
import type { DeliveryJson, RequestJson } from '../../src/modules/datashare/index.js';

/**
 * Both ciphers over real HTTP (node:http serving `serveDelivery`), with the ledger records as the
 * node would read them; `tamper` flips one ciphertext byte in transit.
 */
async function roundTrip(suiteId: SuiteId, tamper: boolean): Promise<string> {
  const suite = getSuite(suiteId);
  const dir = mkdtempSync(join(tmpdir(), 'gz-ds-'));
  const grantee = suite.generateKeyPair();
  const data = utf8('idHash,district\n3f2a,1\n'.repeat(2000));
  placeVersion(dir, 'main', 'reg', 1, data);
  const delivery: DeliveryJson = {
    id: 1,
    request: 1,
    dataset: 'reg',
    version: 1,
    digest: toHex(suite.hash(data)),
    size: data.length,
    owner: 'police',
    grantee: 'civil',
    account: suite.address(grantee.publicKey),
    height: 5,
    timestamp: 1,
    tx: toHex(suite.hash(utf8('tx'))),
  };
  const request = { id: 1, status: 'granted', expiresAt: Date.now() + 60_000 } as RequestJson;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', async () => {
      try {
        const s = await serveDelivery({
          suite,
          group: 'main',
          dataDir: dir,
          now: Date.now(),
          body: JSON.parse(body),
          ledger: { delivery: () => delivery, request: () => request },
        });
        const chunks: Buffer[] = [];
        for await (const c of s.body) chunks.push(c as Buffer);
        const all = Buffer.concat(chunks);
        if (tamper) all[10] = (all[10] ?? 0) ^ 1;
        res.writeHead(200, {
          'x-gongzhi-cipher': s.headers.cipher,
          'x-gongzhi-ephemeral': s.headers.ephemeral,
          'x-gongzhi-iv': s.headers.iv,
        });
        res.end(all);
      } catch (e) {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: isGongzhiError(e) ? e.code : 'X', message: String(e) } }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const got = await fetchDelivery({
      url: `http://127.0.0.1:${port}`,
      group: 'main',
      suite,
      key: grantee,
      delivery,
    });
    return toHex(suite.hash(got)) === delivery.digest ? 'ok' : 'wrong bytes';
  } catch (e) {
    return isGongzhiError(e) ? e.code : String(e);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('datashare delivery ciphers over HTTP', () => {
  it('AES-256-GCM (ed25519 chain) and SM4-CTR + HMAC-SM3 (sm2 chain) deliver the catalogue bytes', async () => {
    expect(await roundTrip('ed25519', false)).toBe('ok');
    expect(await roundTrip('sm2', false)).toBe('ok');
  });
  it('a byte altered in transit is refused by the grantee', async () => {
    expect(await roundTrip('ed25519', true)).toBe('DATASHARE_DIGEST_MISMATCH');
    expect(await roundTrip('sm2', true)).toBe('DATASHARE_DIGEST_MISMATCH');
  });
});
