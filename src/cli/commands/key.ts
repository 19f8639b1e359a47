import type { Command } from 'commander';
import {
  encryptKeystore,
  exportPublicKeyPem,
  getSuite,
  isSuiteId,
  readKeystoreFile,
  writeKeystoreFile,
} from '../../crypto/index.js';
import { toHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { action, password, printJson } from '../util.js';

/** `gongzhi key new|show`. */
export function registerKey(program: Command): void {
  const key = program.command('key').description('create and inspect keys');
  key
    .command('new')
    .description('generate a key pair into an encrypted keystore file')
    .requiredOption('--out <file>', 'keystore file to write (mode 600)')
    .option('--crypto <suite>', 'ed25519 | secp256k1 | sm2', 'ed25519')
    .option('--password <pw>', 'keystore password (or GONGZHI_PASSWORD)')
    .action(
      action(async (o: { out: string; crypto: string; password?: string }) => {
        if (!isSuiteId(o.crypto)) throw new GongzhiError('CRYPTO_UNKNOWN_SUITE', `unknown suite ${o.crypto}`);
        const suite = getSuite(o.crypto);
        const kp = suite.generateKeyPair();
        await writeKeystoreFile(o.out, await encryptKeystore(suite.id, kp, password(o.password)));
        printJson({
          file: o.out,
          suite: suite.id,
          address: suite.address(kp.publicKey),
          publicKey: toHex(kp.publicKey),
        });
      }),
    );
  key
    .command('show <file>')
    .description('show the public part of a keystore (no password needed)')
    .option('--pem', 'also print the public key as PEM')
    .action(
      action(async (file: string, o: { pem?: boolean }) => {
        const ks = await readKeystoreFile(file);
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
