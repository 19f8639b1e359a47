import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * The real parts some tests need. Without one, those tests skip (with a warning in the middle of
 * the output) and the run still passes — proving less than CI's. This reporter says so in the run's
 * closing lines, with the one command that installs what is missing.
 */
interface Part {
  readonly name: string;
  readonly present: () => boolean;
  readonly needs: string;
  readonly install: string;
}

const runs = (bin: string, arg: string) => spawnSync(bin, [arg]).status === 0;

const PARTS: readonly Part[] = [
  {
    name: 'nats-server',
    present: () => runs('nats-server', '--version'),
    needs: 'network tests (test/integration/network*.test.ts, test/e2e/network-cli.test.ts)',
    install: 'nats-server',
  },
  {
    name: 'openssl',
    present: () => runs('openssl', 'version'),
    needs: 'network TLS tests',
    install: 'openssl',
  },
  {
    name: 'chromium',
    present: () => existsSync('/usr/bin/chromium'),
    needs: 'the SDK-in-a-browser test (test/browser)',
    install: 'chromium',
  },
  {
    name: 'dist/ (npm run build)',
    present: () => existsSync(new URL('../../dist/cli/main.js', import.meta.url)),
    needs: 'CLI end-to-end tests (test/e2e) and worker-thread tests',
    install: '',
  },
];

/** Summary lines for skipped real parts ([] when nothing was skipped). */
export function skippedSummary(
  skippedByFile: ReadonlyMap<string, number>,
  missing: readonly Part[],
): string[] {
  const total = [...skippedByFile.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return [];
  const lines = [
    '',
    ` SKIPPED: ${total} test(s) did not run — this green run proves less than a full one:`,
    ...[...skippedByFile.entries()].map(([f, n]) => `   ${String(n).padStart(3)} in ${f}`),
  ];
  if (missing.length > 0) {
    lines.push(' missing real parts:');
    for (const p of missing) lines.push(`   ✗ ${p.name}: needed by ${p.needs}`);
    const pkgs = missing.map((p) => p.install).filter((x) => x !== '');
    if (pkgs.length > 0)
      lines.push(` install: sudo apt-get install -y ${pkgs.join(' ')}   (or run .ci/run, which does it)`);
    if (missing.some((p) => p.install === ''))
      lines.push(' build:   npm run build   (npm test builds first)');
  }
  lines.push('');
  return lines;
}

/** Vitest reporter: after the default summary, list skipped tests and the missing parts. */
export class RealPartsReporter implements Reporter {
  private modules: ReadonlyArray<TestModule> = [];

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    this.modules = modules;
  }

  /** Called after every reporter's onTestRunEnd, so these are the run's last lines. */
  onFinished(): void {
    const modules = this.modules;
    const skipped = new Map<string, number>();
    for (const m of modules) {
      let n = 0;
      for (const t of m.children.allTests()) if (t.result().state === 'skipped') n++;
      if (n > 0) skipped.set(relative(process.cwd(), m.moduleId), n);
    }
    const lines = skippedSummary(
      skipped,
      PARTS.filter((p) => !p.present()),
    );
    if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  }
}
