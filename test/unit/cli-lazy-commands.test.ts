/**
 * The CLI registers stubs for the commands it does not run and imports only the invoked command's
 * file (src/cli/program.ts). These tests hold the stubs to the real commands: every help text the
 * lazy program prints equals the one of a program with every file loaded, and only the invoked
 * file is imported.
 */
import { type Command, CommanderError, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_FILES } from '../../src/cli/command-list.js';
import {
  type CommandFile,
  createProgram,
  headName,
  invokedCommand,
  registerCommands,
} from '../../src/cli/program.js';

const names = COMMAND_FILES.flatMap((f) => f.heads.map(headName));

async function eagerProgram(): Promise<Command> {
  const p = createProgram();
  for (const f of COMMAND_FILES) (await f.load())(p);
  return p;
}

async function lazyProgram(invoked: string | undefined, files = COMMAND_FILES): Promise<Command> {
  const p = createProgram();
  await registerCommands(p, files, invoked);
  return p;
}

/** Every help text under a command, keyed by its path (`key new`). */
function helpTexts(c: Command, path = ''): Map<string, string> {
  const out = new Map([[path, c.helpInformation()]]);
  for (const sub of c.commands) {
    for (const [k, v] of helpTexts(sub, `${path} ${sub.name()}`.trim())) out.set(k, v);
  }
  return out;
}

/** What a command line prints (stdout and stderr) and the commander exit code, without exiting. */
async function run(p: Command, args: string[]): Promise<{ out: string; code: string }> {
  let out = '';
  const capture = (c: Command) => {
    c.exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
    for (const sub of c.commands) capture(sub);
  };
  capture(p);
  try {
    await p.parseAsync(['node', 'gongzhi', ...args]);
    return { out, code: 'none' };
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    return { out, code: e.code };
  }
}

describe('lazy CLI commands', () => {
  it("each file's heads are the help lines and descriptions its register function adds, in order", async () => {
    const help = new Help();
    for (const f of COMMAND_FILES) {
      const p = createProgram();
      (await f.load())(p);
      const added = p.commands.map((c) => ({
        term: help.subcommandTerm(c),
        description: help.subcommandDescription(c),
      }));
      expect(added).toEqual(f.heads);
    }
    expect(new Set(names).size).toBe(names.length);
  });

  it('prints the same help texts as a program with every command file loaded', async () => {
    const eager = await eagerProgram();
    const all = helpTexts(eager);
    const top = all.get('');
    // Nothing invoked (`--help`, `--version`): every command is a stub.
    expect((await lazyProgram(undefined)).helpInformation()).toBe(top);
    for (const name of names) {
      const lazy = helpTexts(await lazyProgram(name));
      expect(lazy.get('')).toBe(top);
      // The invoked command and everything under it: the real commands, listed as before.
      const under = [...all].filter(([k]) => k === name || k.startsWith(`${name} `));
      expect(under.length).toBeGreaterThan(0);
      for (const [k, v] of under) expect(lazy.get(k), k).toBe(v);
    }
  }, 60_000);

  it('answers `help <cmd>`, `<cmd> --help`, a mistyped command and no command as before', async () => {
    const lines = [['help', 'key'], ['tx', '--help'], ['key', 'new', '--help'], ['kye'], ['key', 'nwe'], []];
    for (const args of lines) {
      const want = await run(await eagerProgram(), args);
      const got = await run(await lazyProgram(invokedCommand(args)), args);
      expect(got, args.join(' ')).toEqual(want);
      expect(want.code, args.join(' ')).not.toBe('none');
    }
  }, 60_000);

  it('imports only the file of the command that runs', async () => {
    const loaded: string[] = [];
    const files: CommandFile[] = COMMAND_FILES.map((f) => ({
      heads: f.heads,
      load: () => {
        loaded.push(headName(f.heads[0] ?? { term: '?', description: '' }));
        return f.load();
      },
    }));
    await lazyProgram(undefined, files);
    expect(loaded).toEqual([]);
    await lazyProgram('issuer', files);
    expect(loaded).toEqual(['did']);
    await lazyProgram('no-such-command', files);
    expect(loaded).toEqual(['did']);
  });

  it('finds the invoked command as commander will', () => {
    expect(invokedCommand([])).toBeUndefined();
    expect(invokedCommand(['--version'])).toBeUndefined();
    expect(invokedCommand(['-h'])).toBeUndefined();
    expect(invokedCommand(['help'])).toBeUndefined();
    expect(invokedCommand(['key', 'new', '--out', 'k.json'])).toBe('key');
    expect(invokedCommand(['help', 'tx'])).toBe('tx');
    expect(invokedCommand(['--help', 'chain', 'verify'])).toBe('chain');
    expect(invokedCommand(['--', 'demo'])).toBe('demo');
    expect(invokedCommand(['--', '--demo'])).toBe('--demo');
    expect(invokedCommand(['-'])).toBe('-');
  });
});
