import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A self-signed P-256 certificate for `localhost`, as PEM text, and where its files were written. */
export interface LocalhostCert {
  readonly keyPath: string;
  readonly certPath: string;
  readonly key: string;
  readonly cert: string;
}

/**
 * Make a one-day self-signed certificate for `localhost` (CN and subjectAltName) with the
 * system's openssl, in `dir` — for a local HTTPS server standing in for a did:web host or another
 * outside service in tests and benchmarks.
 */
export function makeLocalhostCert(dir: string): LocalhostCert {
  const keyPath = join(dir, 'web.key');
  const certPath = join(dir, 'web.crt');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1']
      .concat(['-keyout', keyPath, '-out', certPath, '-subj', '/CN=localhost'])
      .concat(['-addext', 'subjectAltName=DNS:localhost']),
    { stdio: 'ignore' },
  );
  return { keyPath, certPath, key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
}
