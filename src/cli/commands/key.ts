import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import {
  encryptKeystore,
  exportPublicKeyPem,
  getSuite,
  isSuiteId,
  writeKeystoreFile,
} from '../../crypto/index.js';
import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { action, keystoreFile, password, passwordOptions, printJson } from '../util.js';

/** `gongzhi key new|show`. */
export function registerKey(program: Command): void {
  const key = program.command('key').description('create and inspect keys');
  passwordOptions(
    key
      .command('new')
      .description('generate a key pair into an encrypted keystore file (scrypt N = 2^17)')
      .requiredOption('--out <file>', 'keystore file to write (mode 600); an existing file is refused')
      .option('--force', 'replace an existing --out file (its key is lost)')
      .option('--crypto <suite>', 'ed25519 | secp256k1 | sm2', 'ed25519'),
  ).action(
    action(
      async (o: {
        out: string;
        crypto: string;
        password?: string;
        passwordFile?: string;
        force?: boolean;
      }) => {
        if (!isSuiteId(o.crypto)) throw new GongzhiError('CRYPTO_UNKNOWN_SUITE', `unknown suite ${o.crypto}`);
        // A keystore is often the only copy of a key: never replace one by accident.
        if (existsSync(o.out) && o.force !== true) {
          throw new GongzhiError('FILE_EXISTS', `${o.out} exists; not overwriting it without --force`, {
            path: o.out,
          });
        }
        const suite = getSuite(o.crypto);
        const kp = suite.generateKeyPair();
        const pw = await password(o, true);
        await writeKeystoreFile(o.out, await encryptKeystore(suite.id, kp, pw));
        printJson({
          file: o.out,
          suite: suite.id,
          address: suite.address(kp.publicKey),
          publicKey: toHex(kp.publicKey),
        });
      },
    ),
  );
  key
    .command('show <file>')
    .description('show the public part of a keystore (no password needed)')
    .option('--pem', 'also print the public key as PEM')
    .action(
      action(async (file: string, o: { pem?: boolean }) => {
        const ks = await keystoreFile(file);
        const suite = getSuite(ks.suite);
        const pub = Buffer.from(ks.publicKey, 'hex');
        printJson({
          suite: ks.suite,
          address: ks.address,
          publicKey: ks.publicKey,
          ...(o.pem ? { pem: exportPublicKeyPem(suite.id, new Uint8Array(pub)) } : {}),
        });
      }),
    );
}
