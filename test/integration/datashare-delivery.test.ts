import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  agreeDelivery,
  DeliverySessions,
  fetchDelivery,
  fetchMessage,
  placeVersion,
  sealHeaderFields,
  serveDelivery,
} from '../../src/api/datashare-delivery.js';
import { granteeStart, openStream } from '../../src/api/datashare-seal.js';
import { getSuite, type KeyPair, type SuiteId } from '../../src/crypto/index.js';
import { fromHex, toHex, utf8 } from '../../src/encoding/index.js';
import { isGongzhiError } from '../../src/errors/index.js';
import type { DeliveryJson, RequestJson } from '../../src/modules/datashare/index.js';

interface Case {
  /** Flip one ciphertext byte in transit. */
  readonly tamper?: boolean;
  /** Bytes added to / cut from the end of the ciphertext in transit. */
  readonly resize?: number;
  /** The owner department's node keys on the ledger do not include the serving node. */
  readonly notOwners?: boolean;
  /** The serving node claims the owner node's public key but holds another secret key. */
  readonly impostor?: boolean;
}

/**
 * Both key agreements and ciphers over real HTTP (node:http serving `serveDelivery`), with the
 * ledger records as the node would read them.
 */
async function roundTrip(suiteId: SuiteId, c: Case = {}): Promise<string> {
  const suite = getSuite(suiteId);
  const dir = mkdtempSync(join(tmpdir(), 'gz-ds-'));
  const grantee = suite.generateKeyPair();
  const ownerNode = suite.generateKeyPair();
  const serving: KeyPair = c.impostor
    ? { secretKey: suite.generateKeyPair().secretKey, publicKey: ownerNode.publicKey }
    : ownerNode;
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
  const sessions = new DeliverySessions();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (ch: Buffer) => {
      body += ch.toString();
    });
    req.on('end', async () => {
      try {
        const o = {
          suite,
          group: 'main',
          dataDir: dir,
          now: Date.now(),
          body: JSON.parse(body),
          node: { id: 'police-node', key: serving },
          ledger: { delivery: () => delivery, request: () => request },
          sessions,
        };
        if (req.url?.endsWith('/agree')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(agreeDelivery(o)));
          return;
        }
        const s = await serveDelivery(o);
        const chunks: Buffer[] = [];
        for await (const ch of s.body) chunks.push(ch as Buffer);
        let all = Buffer.concat(chunks);
        if (c.tamper) all[10] = (all[10] ?? 0) ^ 1;
        if (c.resize !== undefined) {
          all =
            c.resize > 0
              ? Buffer.concat([all, Buffer.alloc(c.resize, 7)])
              : all.subarray(0, all.length + c.resize);
        }
        res.writeHead(200, sealHeaderFields(s.headers));
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
      ownerNodes: c.notOwners ? [toHex(suite.generateKeyPair().publicKey)] : [toHex(ownerNode.publicKey)],
    });
    return toHex(suite.hash(got)) === delivery.digest ? 'ok' : 'wrong bytes';
  } catch (e) {
    return isGongzhiError(e) ? e.code : String(e);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('datashare delivery: key agreement and ciphers over HTTP', () => {
  it('X25519 + AES-256-GCM (ed25519 chain) and the SM2 key exchange + SM4-CTR (sm2 chain) deliver the catalogue bytes', async () => {
    expect(await roundTrip('ed25519')).toBe('ok');
    expect(await roundTrip('sm2')).toBe('ok');
  });
  it('a byte altered in transit is refused by the grantee', async () => {
    expect(await roundTrip('ed25519', { tamper: true })).toBe('DATASHARE_DIGEST_MISMATCH');
    expect(await roundTrip('sm2', { tamper: true })).toBe('DATASHARE_DIGEST_MISMATCH');
    // SM4-CTR decrypts straight into the catalogue-sized buffer: a longer body is cut off before
    // it overruns, a shorter one fails the size and digest check.
    expect(await roundTrip('sm2', { resize: 1 })).toBe('DATASHARE_UNAVAILABLE');
    expect(await roundTrip('sm2', { resize: -1 })).toBe('DATASHARE_DIGEST_MISMATCH');
  });
  it('a node that is not the owner department’s is refused by the grantee', async () => {
    expect(await roundTrip('ed25519', { notOwners: true })).toBe('DATASHARE_UNAUTHENTICATED');
    expect(await roundTrip('sm2', { notOwners: true })).toBe('DATASHARE_UNAUTHENTICATED');
  });
  it('a node claiming the owner’s node key without its secret key fails the key confirmation', async () => {
    expect(await roundTrip('ed25519', { impostor: true })).toBe('DATASHARE_UNAUTHENTICATED');
    expect(await roundTrip('sm2', { impostor: true })).toBe('DATASHARE_UNAUTHENTICATED');
  });
});

describe('datashare delivery on SM2 chains: both key confirmations (S_B, then S_A) before anything is served', () => {
  it('an off-curve key, a bare signed request, a wrong S_A and a spent session use nothing up; the right S_A is served once; the grant is checked again at fetch', async () => {
    const suite = getSuite('sm2');
    const dir = mkdtempSync(join(tmpdir(), 'gz-ds-bad-'));
    try {
      const grantee = suite.generateKeyPair();
      const nodeKey = suite.generateKeyPair();
      const data = utf8('idHash\n3f2a\n');
      placeVersion(dir, 'main', 'reg', 1, data);
      const delivery: DeliveryJson = {
        id: 7,
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
      let request = { id: 1, status: 'granted' } as RequestJson;
      const sessions = new DeliverySessions();
      const base = {
        suite,
        group: 'main',
        dataDir: dir,
        now: Date.now(),
        node: { id: 'police-node', key: nodeKey },
        ledger: { delivery: () => delivery, request: () => request },
        sessions,
      };
      const signed = (ephemeral: Uint8Array) => ({
        delivery: 7,
        publicKey: toHex(grantee.publicKey),
        ephemeral: toHex(ephemeral),
        sig: toHex(suite.sign(grantee.secretKey, fetchMessage(suite, 'main', 7, ephemeral))),
      });
      /** The grantee's two steps; `wrong` flips a bit of S_A. */
      const agreeAndConfirm = (wrong = false) => {
        const half = granteeStart(suite, grantee, { group: 'main', delivery: 7, tx: fromHex(delivery.tx) });
        const a = agreeDelivery({ ...base, body: signed(half.point) });
        const done = half.finish({
          nodePublicKey: fromHex(a.nodeKey),
          point: fromHex(a.ephemeral),
          confirm: fromHex(a.confirm),
        });
        const sa = Uint8Array.from(done.confirm ?? []);
        expect(sa.length).toBe(32);
        if (wrong) sa[0] = (sa[0] as number) ^ 1;
        return { session: a.session, confirm: sa, key: done.key };
      };
      const fetchWith = (x: { session: string; confirm: Uint8Array }) =>
        serveDelivery({ ...base, body: { delivery: 7, session: x.session, confirm: toHex(x.confirm) } });
      const offCurve = new Uint8Array(33).fill(5);
      offCurve[0] = 2;
      expect(() => agreeDelivery({ ...base, body: signed(offCurve) })).toThrow(
        expect.objectContaining({ code: 'API_BAD_REQUEST' }),
      );
      // A signed request alone could be a replay: refused on SM2 chains.
      await expect(
        serveDelivery({ ...base, body: signed(suite.generateKeyPair().publicKey) }),
      ).rejects.toMatchObject({ code: 'DATASHARE_UNAUTHENTICATED' });
      // A wrong S_A is refused, and its session is gone even for the right S_A.
      const bad = agreeAndConfirm(true);
      await expect(fetchWith(bad)).rejects.toMatchObject({ code: 'DATASHARE_UNAUTHENTICATED' });
      const fixed = Uint8Array.from(bad.confirm);
      fixed[0] = (fixed[0] as number) ^ 1;
      await expect(fetchWith({ session: bad.session, confirm: fixed })).rejects.toMatchObject({
        code: 'DATASHARE_UNAUTHENTICATED',
      });
      expect(sessions.size).toBe(0);
      // Revoked between the two steps: refused at fetch.
      const early = agreeAndConfirm();
      request = { id: 1, status: 'revoked' } as RequestJson;
      await expect(fetchWith(early)).rejects.toMatchObject({ code: 'DATASHARE_REVOKED' });
      request = { id: 1, status: 'granted' } as RequestJson;
      // Nothing above used the delivery up: the right S_A is served, and decrypts to the data.
      const good = agreeAndConfirm();
      const ok = await fetchWith(good);
      expect(ok.headers.cipher).toBe('sm2kx-sm4-ctr');
      const sent: Buffer[] = [];
      for await (const ch of ok.body) sent.push(ch as Buffer);
      const opened = openStream(
        'sm2kx-sm4-ctr',
        good.key,
        Buffer.from(fromHex(ok.headers.iv)),
        new Uint8Array(0),
      );
      expect(
        Buffer.concat([...opened.update(Buffer.concat(sent)), opened.final()]).equals(Buffer.from(data)),
      ).toBe(true);
      await expect(fetchWith(agreeAndConfirm())).rejects.toMatchObject({ code: 'DATASHARE_SERVED' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('agree is for SM2 chains only (API_BAD_REQUEST on an ed25519 chain)', () => {
    const suite = getSuite('ed25519');
    const k = suite.generateKeyPair();
    const d = { id: 1, request: 1, account: suite.address(k.publicKey) } as DeliveryJson;
    expect(() =>
      agreeDelivery({
        suite,
        group: 'main',
        dataDir: tmpdir(),
        now: 0,
        node: { id: 'n', key: k },
        ledger: { delivery: () => d, request: () => ({ id: 1, status: 'granted' }) as RequestJson },
        sessions: new DeliverySessions(),
        body: {
          delivery: 1,
          publicKey: toHex(k.publicKey),
          ephemeral: '00'.repeat(32),
          sig: '00'.repeat(64),
        },
      }),
    ).toThrow(expect.objectContaining({ code: 'API_BAD_REQUEST' }));
  });
});

describe('datashare delivery: the owner node checks its file against the catalogue', () => {
  it('a file changed on disk after it was served is refused mid-stream (DATASHARE_DIGEST_MISMATCH)', async () => {
    const suite = getSuite('ed25519');
    const dir = mkdtempSync(join(tmpdir(), 'gz-ds-file-'));
    try {
      const grantee = suite.generateKeyPair();
      const data = utf8('idHash,district\n3f2a,1\n'.repeat(100));
      const path = placeVersion(dir, 'main', 'reg', 1, data);
      const record = (id: number): DeliveryJson => ({
        id,
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
        tx: toHex(suite.hash(utf8(`tx${id}`))),
      });
      const request = { id: 1, status: 'granted' } as RequestJson;
      const serveAll = async (id: number) => {
        const eph = new Uint8Array(32).fill(id + 1);
        const s = await serveDelivery({
          suite,
          group: 'main',
          dataDir: dir,
          now: Date.now(),
          node: { id: 'police-node', key: suite.generateKeyPair() },
          ledger: { delivery: () => record(id), request: () => request },
          body: {
            delivery: id,
            publicKey: toHex(grantee.publicKey),
            ephemeral: toHex(eph),
            sig: toHex(suite.sign(grantee.secretKey, fetchMessage(suite, 'main', id, eph))),
          },
        });
        let n = 0;
        for await (const ch of s.body) n += (ch as Buffer).length;
        return n;
      };
      expect(await serveAll(1)).toBe(data.length + 16);
      // Served again unchanged (the remembered check), then changed on disk: refused.
      expect(await serveAll(2)).toBe(data.length + 16);
      // One more byte: file timestamps are coarse (a same-size rewrite within one tick keeps mtime).
      writeFileSync(path, Buffer.concat([Buffer.from(data), Buffer.from('x')]));
      await expect(serveAll(3)).rejects.toMatchObject({ code: 'DATASHARE_DIGEST_MISMATCH' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
