import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GongzhiError } from '../errors/index.js';

/** Run the `openssl` CLI; a missing binary or a failing command becomes a typed error. */
function openssl(args: readonly string[], what: string): void {
  try {
    execFileSync('openssl', [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') {
      throw new GongzhiError(
        'CONFIG_INVALID',
        'the `openssl` command is required to create the consortium TLS certificates ' +
          '(Debian/Ubuntu: apt-get install openssl)',
      );
    }
    throw new GongzhiError(
      'CONFIG_INVALID',
      `openssl failed while creating ${what}: ${err.stderr?.toString().trim() || err.message}`,
    );
  }
}

/** True when the `openssl` CLI can be run. */
export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A self-contained OpenSSL config so the system openssl.cnf does not change what we issue. */
function extConfig(o: { cn: string; san?: readonly string[] }): string {
  return [
    '[req]',
    'distinguished_name = dn',
    'prompt = no',
    '[dn]',
    `CN = ${o.cn}`,
    'O = Gongzhi consortium',
    '[v3_ca]',
    'basicConstraints = critical, CA:TRUE, pathlen:0',
    'keyUsage = critical, keyCertSign, cRLSign',
    'subjectKeyIdentifier = hash',
    '[v3_server]',
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature, keyAgreement',
    // clientAuth too: a NATS server presents this certificate when it dials another server's route port.
    'extendedKeyUsage = serverAuth, clientAuth',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
    `subjectAltName = ${(o.san ?? []).join(', ') || 'DNS:localhost'}`,
    '',
  ].join('\n');
}

function withConfig<T>(text: string, fn: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'gongzhi-openssl-'));
  try {
    const p = join(dir, 'openssl.cnf');
    writeFileSync(p, text);
    return fn(p);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const P256 = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];

function newKey(path: string, what: string): void {
  openssl(['genpkey', ...P256, '-out', path], what);
  chmodSync(path, 0o600);
}

/** Create the consortium CA: a P-256 key (mode 0600) and a self-signed certificate. */
export function createCa(o: { keyPath: string; certPath: string; cn?: string; days?: number }): void {
  newKey(o.keyPath, 'the CA key');
  withConfig(extConfig({ cn: o.cn ?? 'Gongzhi consortium CA' }), (cfg) =>
    openssl(
      [
        'req',
        '-new',
        '-x509',
        '-config',
        cfg,
        '-extensions',
        'v3_ca',
        '-key',
        o.keyPath,
        '-sha256',
        '-days',
        String(o.days ?? 3650),
        '-set_serial',
        `0x${randomBytes(16).toString('hex')}`,
        '-out',
        o.certPath,
      ],
      'the CA certificate',
    ),
  );
}

/**
 * Issue a server certificate signed by the CA: key (mode 0600) and certificate with the given
 * subjectAltNames (e.g. `IP:127.0.0.1`, `DNS:localhost`), usable for serverAuth and clientAuth.
 */
export function issueServerCert(o: {
  caKeyPath: string;
  caCertPath: string;
  keyPath: string;
  certPath: string;
  cn: string;
  san: readonly string[];
  days?: number;
}): void {
  newKey(o.keyPath, `the key of ${o.cn}`);
  withConfig(extConfig({ cn: o.cn, san: o.san }), (cfg) => {
    const csr = `${cfg}.csr`;
    openssl(['req', '-new', '-config', cfg, '-key', o.keyPath, '-sha256', '-out', csr], `the CSR of ${o.cn}`);
    openssl(
      [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        o.caCertPath,
        '-CAkey',
        o.caKeyPath,
        '-set_serial',
        `0x${randomBytes(16).toString('hex')}`,
        '-sha256',
        '-days',
        String(o.days ?? 825),
        '-extfile',
        cfg,
        '-extensions',
        'v3_server',
        '-out',
        o.certPath,
      ],
      `the certificate of ${o.cn}`,
    );
  });
}
