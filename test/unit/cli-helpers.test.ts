import { describe, expect, it } from 'vitest';
import { chooseGroup } from '../../src/cli/client-context.js';
import { prettyLine, wantsPretty } from '../../src/cli/log-format.js';
import { isGongzhiError } from '../../src/errors/index.js';
import { ModuleRegistry } from '../../src/execution/index.js';
import { BUILTIN_MODULES } from '../../src/modules/index.js';
import { skippedSummary } from '../helpers/real-parts-reporter.js';

function thrown(f: () => unknown): { code: string; message: string; details: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    if (isGongzhiError(e)) return { code: e.code, message: e.message, details: { ...e.details } };
    throw e;
  }
  throw new Error('nothing thrown');
}

describe('client commands choose their group', () => {
  it('governance when served, else the node’s only group', () => {
    expect(chooseGroup(undefined, ['governance', 'health'])).toBe('governance');
    expect(chooseGroup(undefined, ['main'])).toBe('main');
    expect(chooseGroup('health', ['governance', 'health'])).toBe('health');
  });
  it('a group the node does not serve is TX_UNKNOWN_GROUP listing the served ones', () => {
    const e = thrown(() => chooseGroup(undefined, ['main', 'g2']));
    expect(e.code).toBe('TX_UNKNOWN_GROUP');
    expect(e.message).toContain('it serves: main, g2');
    expect(thrown(() => chooseGroup('nope', ['main'])).details.served).toBe('main');
  });
});

describe('unknown queries name the known ones', () => {
  const reg = new ModuleRegistry(BUILTIN_MODULES);
  it('of the module, with the code unchanged', () => {
    const e = thrown(() => reg.query('evidence', 'nosuch'));
    expect(e.code).toBe('API_NOT_FOUND');
    expect(e.message).toMatch(/known queries: evidence\.\w+/);
    expect(
      String(e.details.known)
        .split(',')
        .every((k) => k.startsWith('evidence.')),
    ).toBe(true);
  });
  it('of every module when the module is unknown', () => {
    const e = thrown(() => reg.query('nomodule', 'x'));
    expect(e.message).toContain('unknown module nomodule');
    expect(e.message).toContain('governance.');
  });
});

describe('log lines for people', () => {
  it('formats a pino JSON line: time, level, message, fields', () => {
    const line = JSON.stringify({
      level: 40,
      time: Date.UTC(2026, 0, 1, 12, 0, 1, 234),
      pid: 1,
      hostname: 'h',
      msg: 'slow commit',
      group: 'main',
      note: 'two words',
    });
    expect(prettyLine(line, false)).toBe('12:00:01.234 WARN  slow commit group=main note="two words"');
    expect(prettyLine(line, true)).toContain('\u001b[33mWARN ');
  });
  it('passes anything else through unchanged', () => {
    expect(prettyLine('plain text', false)).toBe('plain text');
    expect(prettyLine('[1,2]', false)).toBe('[1,2]');
  });
  it('auto means pretty only on a terminal', () => {
    expect(wantsPretty('auto', true)).toBe(true);
    expect(wantsPretty('auto', false)).toBe(false);
    expect(wantsPretty('json', true)).toBe(false);
    expect(wantsPretty('pretty', false)).toBe(true);
  });
});

describe('the skipped-parts summary', () => {
  it('is empty when nothing skipped, and names files, parts and the install line otherwise', () => {
    expect(skippedSummary(new Map(), [])).toEqual([]);
    const text = skippedSummary(new Map([['test/e2e/network-cli.test.ts', 8]]), [
      { name: 'nats-server', present: () => false, needs: 'network tests', install: 'nats-server' },
    ]).join('\n');
    expect(text).toContain('SKIPPED: 8 test(s)');
    expect(text).toContain('test/e2e/network-cli.test.ts');
    expect(text).toContain('sudo apt-get install -y nats-server');
  });
});
