import type { Command } from 'commander';
import { errorTable, GongzhiError, hintLangOf } from '../../errors/index.js';
import { type ModuleInfo, ModuleRegistry } from '../../execution/index.js';
import { BUILTIN_MODULES } from '../../modules/index.js';
import { clientContext, GROUP_HELP } from '../client-context.js';
import { action, DEFAULT_URL, printJson } from '../util.js';

/** Parameter names of a query's (object) schema. */
function paramNames(schema: unknown): string[] {
  const props = (schema as { properties?: Record<string, unknown> }).properties;
  return props === undefined ? [] : Object.keys(props);
}

/** The text listing of one module: methods with default roles, queries with parameters. */
export function describeModuleText(m: ModuleInfo): string {
  const lines = [
    `${m.name} — ${m.summary}`,
    '  methods (send with `gongzhi tx send --module … --method …`):',
  ];
  for (const x of m.methods) lines.push(`    ${x.name.padEnd(22)} ${x.summary}  [${x.roles.join(', ')}]`);
  lines.push('  queries (run with `gongzhi query …`):');
  for (const q of m.queries) {
    const params = paramNames(q.args);
    lines.push(`    ${q.name.padEnd(22)} ${q.summary}${params.length > 0 ? `  (${params.join(', ')})` : ''}`);
  }
  return lines.join('\n');
}

/** `key=value` pairs → query parameters. */
export function queryParams(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) {
      throw new GongzhiError('CONFIG_INVALID', `query parameter "${p}" must be name=value`, { parameter: p });
    }
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/** `gongzhi modules [name]`, `gongzhi query <module> <name> [name=value…]` and `gongzhi errors [code]`. */
export function registerModules(program: Command): void {
  program
    .command('modules [name]')
    .description('list the ledger modules: their methods (with default roles) and queries')
    .option('--json', 'print the full description with argument and result JSON Schemas')
    .action(
      action((name: string | undefined, o: { json?: boolean }) => {
        const all = new ModuleRegistry(BUILTIN_MODULES).describe();
        const chosen = name === undefined ? all : all.filter((m) => m.name === name);
        if (chosen.length === 0) {
          throw new GongzhiError('EXEC_UNKNOWN_MODULE', `unknown module ${name}`, {
            module: name ?? '',
            known: all.map((m) => m.name).join(', '),
          });
        }
        if (o.json === true) printJson(chosen);
        else process.stdout.write(`${chosen.map(describeModuleText).join('\n\n')}\n`);
      }),
    );
  program
    .command('query <module> <name> [params...]')
    .description('run a module query on a node, e.g. `gongzhi query evidence get digest=<hex>`')
    .option('--group <id>', GROUP_HELP)
    .option('--url <url>', 'node URL', DEFAULT_URL)
    .action(
      action(async (module: string, name: string, params: string[], o: { group?: string; url: string }) => {
        const { client, group } = await clientContext(o);
        printJson(await client.query(group, module, name, queryParams(params)));
      }),
    );
  program
    .command('errors [code]')
    .description('the error code table: every code with its HTTP status, owner and hint (or one code)')
    .option('--json', 'print as JSON')
    .action(
      action((code: string | undefined, o: { json?: boolean }) => {
        // The built-in modules are imported above, so their codes are in the table.
        const rows = errorTable().filter((r) => code === undefined || r.code === code.toUpperCase());
        if (rows.length === 0) {
          throw new GongzhiError('CONFIG_INVALID', `unknown error code ${code}`, { code: code ?? '' });
        }
        if (o.json === true) printJson(rows);
        else {
          const zh = hintLangOf(process.env) === 'zh-CN';
          const lines = rows.map(
            (r) =>
              `${r.code.padEnd(34)} ${String(r.status)} ${r.owner.padEnd(10)} ${zh && r.hintZh !== '' ? r.hintZh : r.hint}`,
          );
          process.stdout.write(`${lines.join('\n')}\n`);
        }
      }),
    );
}
