import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HINTS_ZH } from '../../src/errors/hints-zh.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const run = promisify(execFile);

/** The CLI prints the hints of the one table in Chinese when asked (GONGZHI_LANG or a zh locale). */
describe.skipIf(!existsSync(CLI))('gongzhi hints in Chinese', () => {
  const env = (extra: Record<string, string>) => {
    const { GONGZHI_LANG: _g, LC_ALL: _a, LC_MESSAGES: _m, LANG: _l, ...rest } = process.env;
    return { ...rest, ...extra };
  };
  const fails = async (e: NodeJS.ProcessEnv, ...args: string[]) => {
    try {
      await run(process.execPath, [CLI, ...args], { env: e });
    } catch (err) {
      return (err as { stderr: string }).stderr;
    }
    throw new Error('command succeeded but should have failed');
  };

  it('a failing command prints its hint in the chosen language', async () => {
    const zh = await fails(env({ GONGZHI_LANG: 'zh-CN' }), 'errors', 'NOPE_X');
    expect(zh).toMatch(/error CONFIG_INVALID: unknown error code NOPE_X/);
    expect(zh).toContain(`hint: ${HINTS_ZH.CONFIG_INVALID}`);
    const byLocale = await fails(env({ LANG: 'zh_CN.UTF-8' }), 'errors', 'NOPE_X');
    expect(byLocale).toContain(`hint: ${HINTS_ZH.CONFIG_INVALID}`);
    const en = await fails(env({ LANG: 'C.UTF-8' }), 'errors', 'NOPE_X');
    expect(en).toContain('hint: Fix the configuration field named in the message.');
  });

  it('`gongzhi errors` lists the Chinese hints, and --json carries both', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'errors', 'TX_EXPIRED'], {
      env: env({ GONGZHI_LANG: 'zh' }),
    });
    expect(stdout).toContain(HINTS_ZH.TX_EXPIRED);
    const json = await run(process.execPath, [CLI, 'errors', 'TX_EXPIRED', '--json'], { env: env({}) });
    const [row] = JSON.parse(json.stdout) as { hint: string; hintZh: string }[];
    expect(row?.hint).toBe('Rebuild the transaction with a later validUntil.');
    expect(row?.hintZh).toBe(HINTS_ZH.TX_EXPIRED);
  });
});
