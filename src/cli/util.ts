import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { decryptKeystore, type KeyPair, type Keystore, readKeystoreFile } from '../crypto/index.js';
import {
  GongzhiError,
  type HintLang,
  hintFor,
  hintLangOf,
  isErrorCode,
  isGongzhiError,
} from '../errors/index.js';

/** Default node URL for client commands. */
export const DEFAULT_URL = process.env.GONGZHI_URL ?? 'http://127.0.0.1:7700';

/** Print a value as indented JSON. */
export function printJson(v: unknown): void {
  process.stdout.write(
    `${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x), 2)}\n`,
  );
}

/** The password options every command that opens or writes a keystore takes. */
export interface PasswordOpts {
  password?: string;
  passwordFile?: string;
}

/** Add `--password-file` and `--password` (discouraged: visible in the process list). */
export function passwordOptions(c: Command, what = 'keystore password'): Command {
  return c
    .option('--password-file <file>', `read the ${what} from this file (first line)`)
    .option(
      '--password <pw>',
      `${what} (visible to other users in the process list: prefer --password-file, GONGZHI_PASSWORD or the prompt)`,
    );
}

/** Read a line from the terminal without echoing it. */
export async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  // Echo off before the question shows: whatever is typed after it is never displayed.
  stdin.setRawMode(true);
  process.stderr.write(question);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise<string>((resolve, reject) => {
    let typed = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new GongzhiError('CONFIG_INVALID', 'password prompt interrupted'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * The keystore password, from (in order) --password (with a warning), --password-file,
 * GONGZHI_PASSWORD, or a prompt without echo when stdin is a terminal. `confirm` asks twice
 * (for a password that is about to protect new keys).
 */
export async function password(o: PasswordOpts, confirm = false): Promise<string> {
  if (o.password !== undefined && o.password !== '') {
    process.stderr.write(
      'warning: --password is visible to other users in the process list; use --password-file, GONGZHI_PASSWORD or the prompt\n',
    );
    return o.password;
  }
  if (o.passwordFile !== undefined) {
    const text = readText(o.passwordFile);
    const first = text.split(/\r?\n/)[0] ?? '';
    if (first === '')
      throw new GongzhiError('CONFIG_INVALID', `${o.passwordFile} is empty`, { path: o.passwordFile });
    return first;
  }
  const env = process.env.GONGZHI_PASSWORD;
  if (env !== undefined && env !== '') return env;
  if (process.stdin.isTTY === true) {
    const pw = await promptHidden('keystore password: ');
    if (pw === '') throw new GongzhiError('CONFIG_INVALID', 'the password is empty');
    if (confirm && (await promptHidden('again: ')) !== pw) {
      throw new GongzhiError('CONFIG_INVALID', 'the two passwords differ');
    }
    return pw;
  }
  throw new GongzhiError(
    'CONFIG_INVALID',
    'a keystore password is required: --password-file <file>, GONGZHI_PASSWORD, or run on a terminal to be asked',
  );
}

/**
 * Load and decrypt a keystore file. A missing file and a file that is not a keystore (a genesis,
 * a node config) get their own codes before the password is even asked for.
 */
export async function loadKey(path: string, pw: PasswordOpts): Promise<KeyPair> {
  const ks = await keystoreFile(path);
  return decryptKeystore(ks, await password(pw));
}

/** Read a keystore file: INPUT_NOT_FOUND when missing, KEYSTORE_NOT_A_KEYSTORE for another file. */
export async function keystoreFile(path: string): Promise<Keystore> {
  let value: unknown;
  try {
    value = JSON.parse(readText(path));
  } catch (e) {
    if (isGongzhiError(e)) throw e;
    value = undefined;
  }
  const v = value as { kdf?: unknown; cipher?: unknown; ciphertext?: unknown } | undefined;
  if (
    v === undefined ||
    v === null ||
    typeof v !== 'object' ||
    v.kdf === undefined ||
    v.ciphertext === undefined
  ) {
    throw new GongzhiError('KEYSTORE_NOT_A_KEYSTORE', `${path} is not a keystore`, { path });
  }
  return readKeystoreFile(path);
}

/** Read a file's bytes; a missing file is INPUT_NOT_FOUND. */
export function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw inputError(path, e);
  }
}

/** Read a UTF-8 file; a missing file is INPUT_NOT_FOUND. */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw inputError(path, e);
  }
}

/** Read and parse a JSON input file (INPUT_NOT_FOUND, or CONFIG_INVALID when it is not JSON). */
export function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new GongzhiError('CONFIG_INVALID', `${path} is not JSON: ${(e as Error).message}`, { path });
  }
}

function inputError(path: string, e: unknown): GongzhiError {
  const errno = (e as { code?: unknown }).code;
  if (errno === 'ENOENT' || errno === 'EISDIR' || errno === 'EACCES' || !existsSync(path)) {
    return new GongzhiError(
      'INPUT_NOT_FOUND',
      `cannot read ${path}: ${String(errno ?? (e as Error).message)}`,
      {
        path,
      },
    );
  }
  return new GongzhiError('CONFIG_INVALID', `cannot read ${path}: ${(e as Error).message}`, { path });
}

/** Network failures of fetch (undici puts the errno on the cause) that mean "nothing answers there". */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNRESET',
  'EAI_AGAIN',
  'ETIMEDOUT',
]);

function errnoChain(e: unknown): string | undefined {
  let x: unknown = e;
  for (let i = 0; i < 5 && x !== undefined && x !== null; i++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return code;
    const errors = (x as { errors?: unknown }).errors;
    if (Array.isArray(errors)) for (const y of errors) if (errnoChain(y)) return errnoChain(y);
    x = (x as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A node that does not answer at all is NODE_UNREACHABLE, naming the URL the command used. */
export function unreachable(e: unknown, url: string): unknown {
  if (!isGongzhiError(e, 'SDK_HTTP')) return e;
  const errno = errnoChain(e.cause);
  if (errno === undefined) return e;
  return new GongzhiError(
    'NODE_UNREACHABLE',
    `no answer from ${url} (${errno}): is a node running at ${url}?`,
    {
      url,
    },
  );
}

/** The `--url` a command was given (its options object is the last object argument). */
function urlOf(args: readonly unknown[]): string {
  for (const a of [...args].reverse()) {
    if (a !== null && typeof a === 'object' && typeof (a as { url?: unknown }).url === 'string') {
      return (a as { url: string }).url;
    }
  }
  return DEFAULT_URL;
}

/**
 * The hint for a code. A command's file is loaded alone (./program.ts), so a module's code that a
 * node sent may not be in this process's table yet: the built-in modules register theirs when
 * imported, which only this error path pays for.
 */
export async function hintOf(code: string, lang: HintLang = 'en'): Promise<string> {
  if (!isErrorCode(code)) await import('../modules/index.js');
  return hintFor(code, lang);
}

/** Wrap a command action: typed errors print `code: message`, details and the code's hint, and exit 1. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (raw) {
      const e = unreachable(raw, urlOf(args));
      if (isGongzhiError(e)) {
        process.stderr.write(`error ${e.code}: ${e.message}\n`);
        if (Object.keys(e.details).length > 0) process.stderr.write(`  ${JSON.stringify(e.details)}\n`);
        // The same hint the API and the console show for this code (one table), in Chinese
        // with GONGZHI_LANG=zh-CN or a Chinese locale.
        const hint = await hintOf(e.code, hintLangOf(process.env));
        if (hint !== '') process.stderr.write(`  hint: ${hint}\n`);
      } else {
        // A bug, not a user error: the stack only when asked for, the message always.
        const debug = process.env.GONGZHI_DEBUG === '1';
        const text = e instanceof Error ? (debug ? (e.stack ?? e.message) : e.message) : String(e);
        process.stderr.write(`error: ${text}\n`);
        if (!debug) process.stderr.write('  (GONGZHI_DEBUG=1 shows the stack)\n');
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
