import type { Command } from 'commander';
import { type CborValue, fromHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { type CborMap, isMap } from '../../ledger/index.js';
import { clientContext, GROUP_HELP } from '../client-context.js';
import { action, DEFAULT_URL, passwordOptions, printJson } from '../util.js';

/** JSON → CBOR for CLI arguments: strings "0x…" become bytes. */
export function argsFromJson(json: string): CborMap {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch (e) {
    throw new GongzhiError('API_BAD_REQUEST', `--args is not JSON: ${(e as Error).message}`);
  }
  const conv = (x: unknown): CborValue => {
    if (typeof x === 'string' && x.startsWith('0x')) return fromHex(x);
    if (Array.isArray(x)) return x.map(conv);
    if (x !== null && typeof x === 'object') {
      return Object.fromEntries(Object.entries(x as Record<string, unknown>).map(([k, y]) => [k, conv(y)]));
    }
    return x as CborValue;
  };
  const out = conv(v);
  if (!isMap(out)) throw new GongzhiError('API_BAD_REQUEST', '--args must be a JSON object');
  return out;
}

/** `gongzhi tx send|get`. */
export function registerTx(program: Command): void {
  const tx = program.command('tx').description('send and inspect transactions');
  passwordOptions(
    tx
      .command('send')
      .description(
        'sign a module call with a keystore key, submit it and wait for its receipt (exit 1 when the receipt failed)',
      )
      .requiredOption('--module <name>', 'module, e.g. evidence')
      .requiredOption('--method <name>', 'method, e.g. anchor')
      .option('--args <json>', 'arguments as JSON; strings starting with 0x are bytes', '{}')
      .requiredOption('--key <file>', 'sender keystore'),
  )
    .option('--group <id>', GROUP_HELP)
    .option('--url <url>', 'node URL', DEFAULT_URL)
    .action(
      action(
        async (o: {
          module: string;
          method: string;
          args: string;
          key: string;
          password?: string;
          passwordFile?: string;
          group?: string;
          url: string;
        }) => {
          const ctx = await clientContext(o);
          printJson(await ctx.send(o.module, o.method, argsFromJson(o.args)));
        },
      ),
    );
  tx.command('get <hash>')
    .description('a transaction with its receipt and inclusion proof')
    .option('--group <id>', GROUP_HELP)
    .option('--url <url>', 'node URL', DEFAULT_URL)
    .action(
      action(async (hash: string, o: { group?: string; url: string }) => {
        const { client, group } = await clientContext(o);
        printJson(await client.tx(group, hash));
      }),
    );
}
