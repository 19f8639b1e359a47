import { readFileSync } from 'node:fs';
import { decryptKeystore, type KeyPair, readKeystoreFile } from '../crypto/index.js';
import { GongzhiError, isGongzhiError } from '../errors/index.js';

/** Default node URL for client commands. */
export const DEFAULT_URL = process.env.GONGZHI_URL ?? 'http://127.0.0.1:7700';

/** Print a value as indented JSON. */
export function printJson(v: unknown): void {
  process.stdout.write(
    `${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x), 2)}\n`,
  );
}

/** Keystore password: flag, then GONGZHI_PASSWORD. */
export function password(flag: string | undefined): string {
  const p = flag ?? process.env.GONGZHI_PASSWORD;
  if (p === undefined || p === '') {
    throw new GongzhiError(
      'CONFIG_INVALID',
      'a keystore password is required: --password or GONGZHI_PASSWORD',
    );
  }
  return p;
}

/** Load and decrypt a keystore file. */
export async function loadKey(path: string, pw: string | undefined): Promise<KeyPair> {
  return decryptKeystore(await readKeystoreFile(path), password(pw));
}

/** Read a file's bytes with a typed error. */
export function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new GongzhiError('CONFIG_INVALID', `cannot read ${path}: ${(e as Error).message}`, { path });
  }
}

/** Wrap a command action: typed errors print `code: message`, details and the code's hint, and exit 1. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (isGongzhiError(e)) {
        process.stderr.write(`error ${e.code}: ${e.message}\n`);
        if (Object.keys(e.details).length > 0) process.stderr.write(`  ${JSON.stringify(e.details)}\n`);
        // The same hint the API and the console show for this code (one table).
        if (e.hint !== '') process.stderr.write(`  hint: ${e.hint}\n`);
      } else {
        process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      }
      process.exitCode = 1;
    }
  };
}

/** Parse a positive integer option. */
export function int(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new GongzhiError('CONFIG_INVALID', `not a non-negative integer: ${v}`);
  return n;
}
