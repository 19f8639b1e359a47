import { Command, Help } from 'commander';

/** One top-level command as `gongzhi --help` lists it. */
export interface CommandHead {
  /** Its line in the help: the name, ` [options]` when it has options, then its arguments. */
  readonly term: string;
  readonly description: string;
}

/** A command file: the top-level commands its register function adds, and how to load it. */
export interface CommandFile {
  readonly heads: readonly CommandHead[];
  readonly load: () => Promise<(program: Command) => void>;
}

/** The command name of a help term (`demo [options] [name]` → `demo`). */
export function headName(h: CommandHead): string {
  return h.term.split(/[ |]/)[0] ?? h.term;
}

/** The program itself, without its commands. */
export function createProgram(): Command {
  return new Command()
    .name('gongzhi')
    .description('Gongzhi (共治): a consortium ledger for multi-party social governance')
    .version('0.1.0')
    .showHelpAfterError();
}

/**
 * The top-level command a command line runs, as commander will find it: the first operand (the
 * program's own options, -V and -h, take no value), or the one after `help`. Undefined when there
 * is none (`--version`, `--help`, no arguments).
 */
export function invokedCommand(args: readonly string[]): string | undefined {
  const dash = args.indexOf('--');
  const operands = [
    ...(dash < 0 ? args : args.slice(0, dash)).filter((a) => !(a.length > 1 && a.startsWith('-'))),
    ...(dash < 0 ? [] : args.slice(dash + 1)),
  ];
  return operands[0] === 'help' ? operands[1] : operands[0];
}

/**
 * Add every command to `program`: the file of the invoked one is imported and registered for real;
 * every other command is a stub carrying only its name, help line and description. Loading every
 * file (the node, Fastify, every module, the crypto suites) cost ~0.9 s of CPU per process, paid
 * by `--version` and by each node a `network up` or a restart starts. The files keep their order,
 * so `gongzhi --help` lists the commands as before; test/unit/cli-lazy-commands.test.ts checks that
 * the stubs' help lines equal the real commands'.
 */
export async function registerCommands(
  program: Command,
  files: readonly CommandFile[],
  invoked: string | undefined,
): Promise<void> {
  const stubTerms = new WeakMap<Command, string>();
  const plain = new Help();
  // A stub has no options or arguments of its own: its help line is the real command's, stored.
  program.configureHelp({ subcommandTerm: (cmd) => stubTerms.get(cmd) ?? plain.subcommandTerm(cmd) });
  for (const file of files) {
    if (invoked !== undefined && file.heads.some((h) => headName(h) === invoked)) {
      (await file.load())(program);
      continue;
    }
    for (const h of file.heads) {
      stubTerms.set(program.command(headName(h)).description(h.description), h.term);
    }
  }
}
