import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { x509RequestSigners } from '../../src/credentials/request-object.js';
import { encryptKeystore, getSuite, writeKeystoreFile } from '../../src/crypto/index.js';
import { loadNodeConfig } from '../../src/node/config.js';
import { tempDir, testConsortium, writeOrg0Config } from '../helpers/fixtures.js';

/** A node config file names OpenID4VCI issuing keys by keystore, as it does status-list keys. */
describe('node config: identity.credentialSigners', () => {
  const tmp = tempDir('gongzhi-identity-config-');
  afterAll(() => tmp.remove());

  it('decrypts each issuing keystore with the node password and keeps the configurations', async () => {
    const suite = getSuite('ed25519');
    const c = testConsortium({ orgs: 1 });
    const nodeKey = c.nodeKeys[0];
    if (nodeKey === undefined) throw new Error('no node key');
    const issuing = suite.generateKeyPair();
    const ks = (k: typeof issuing) =>
      encryptKeystore('ed25519', k, 'pw', { scryptN: 2 ** 10, weakForTests: true });
    await writeKeystoreFile(join(tmp.dir, 'node.json'), await ks(nodeKey));
    await writeKeystoreFile(join(tmp.dir, 'issuing.json'), await ks(issuing));
    writeFileSync(join(tmp.dir, 'genesis.json'), JSON.stringify(c.genesis[0]));
    const did = `did:gongzhi:${c.genesis[0]?.chain}:main:gz${'1'.repeat(40)}`;
    const configuration = { id: 'degree', did, schemaId: 1500, version: 1 };
    writeOrg0Config(tmp.dir, {
      identity: {
        credentialSigners: [{ did, fragment: 'cred-1', keystore: 'issuing.json' }],
        credentialConfigurations: [configuration],
      },
    });
    const loaded = await loadNodeConfig(join(tmp.dir, 'config.json'), 'pw');
    const [signer] = loaded.identity?.credentialSigners ?? [];
    expect(signer?.did).toBe(did);
    expect(signer?.fragment).toBe('cred-1');
    expect(signer?.type).toBe('ed25519');
    expect(Buffer.from(signer?.publicKey ?? []).toString('hex')).toBe(
      Buffer.from(issuing.publicKey).toString('hex'),
    );
    expect(loaded.identity?.credentialConfigurations).toEqual([configuration]);
    // A wrong password refuses the whole config (the issuing keystore included).
    await expect(loadNodeConfig(join(tmp.dir, 'config.json'), 'wrong')).rejects.toMatchObject({
      code: expect.stringMatching(/^KEYSTORE_/),
    });
  });

  it('loads verifier DID keystores and X.509 chains, an encrypted PEM key opened with the node password', async () => {
    const c = testConsortium({ orgs: 1 });
    const nodeKey = c.nodeKeys[0];
    if (nodeKey === undefined) throw new Error('no node key');
    const verifier = getSuite('ed25519').generateKeyPair();
    const ks = (k: typeof verifier) =>
      encryptKeystore('ed25519', k, 'pw', { scryptN: 2 ** 10, weakForTests: true });
    await writeKeystoreFile(join(tmp.dir, 'node2.json'), await ks(nodeKey));
    await writeKeystoreFile(join(tmp.dir, 'verifier.json'), await ks(verifier));
    writeFileSync(join(tmp.dir, 'genesis2.json'), JSON.stringify(c.genesis[0]));
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(
      join(tmp.dir, 'rp.key'),
      privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }),
    );
    execFileSync(
      'openssl',
      ['req', '-x509', '-key', join(tmp.dir, 'rp.key'), '-passin', 'pass:pw', '-days', '1'].concat([
        '-out',
        join(tmp.dir, 'rp.crt'),
        '-subj',
        '/CN=rp',
        '-addext',
        'subjectAltName=DNS:rp.example',
      ]),
      { stdio: 'ignore' },
    );
    const did = `did:gongzhi:${c.genesis[0]?.chain}:main:gz${'2'.repeat(40)}`;
    writeFileSync(
      join(tmp.dir, 'config2.json'),
      JSON.stringify({
        nodeId: 'org0-node',
        org: 'org0',
        dataDir: 'data2',
        nodeKeystore: 'node2.json',
        genesis: ['genesis2.json'],
        identity: {
          verifierSigners: [{ did, fragment: 'vp-1', keystore: 'verifier.json' }],
          verifierCertificates: [{ chain: 'rp.crt', key: 'rp.key' }],
        },
      }),
    );
    const loaded = await loadNodeConfig(join(tmp.dir, 'config2.json'), 'pw');
    expect(loaded.identity?.verifierSigners?.[0]).toMatchObject({ did, fragment: 'vp-1', type: 'ed25519' });
    const cert = loaded.identity?.verifierCertificates?.[0];
    expect(cert?.chain).toContain('BEGIN CERTIFICATE');
    expect(cert?.key).toContain('BEGIN PRIVATE KEY');
    // The loaded chain and key sign as x509_san_dns:rp.example.
    expect(x509RequestSigners(cert ?? { chain: '', key: '' }).map((x) => x.clientId)).toEqual([
      'x509_san_dns:rp.example',
    ]);
  });
});
