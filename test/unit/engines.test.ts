/**
 * Issue 16, item 15: `npm ci` must not warn EBADENGINE on a Node version the project says it
 * supports. Every package the lockfile installs (optional, platform-bound builds aside) must accept
 * the oldest release of each Node line in `engines`, so an upgrade that pulls in a package wanting a
 * newer Node fails here, not on a newcomer's machine.
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  readonly version?: string;
  readonly optional?: boolean;
  readonly engines?: Record<string, string> | string[];
}

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

/** The oldest version of each line `engines.node` names (`^20.19.0 || ^22.12.0 || >=24.0.0`). */
const oldest = pkg.engines.node.split('||').map((range) => {
  const v = semver.minVersion(range.trim());
  if (v === null) throw new Error(`engines.node part ${range} has no minimum`);
  return v.version;
});

describe('supported Node versions', () => {
  it('the README names the oldest release of each Node line engines supports', () => {
    expect(oldest.length).toBeGreaterThan(0);
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    // The README's own line of supported versions ("Node.js 20.19+, 22.12+ or 24 …") names each
    // line's oldest release as engines does.
    const line = readme.split('\n').find((l) => l.startsWith('Node.js ')) ?? '';
    for (const v of oldest) {
      const named = semver.minor(v) === 0 ? `${semver.major(v)}` : `${semver.major(v)}.${semver.minor(v)}+`;
      expect(line, `README's Node line names ${named}`).toContain(named);
    }
  });

  it('every installed package accepts the oldest release of each supported Node line', () => {
    const refused: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '' || entry.optional === true) continue;
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (range === undefined) continue;
      for (const v of oldest) {
        if (!semver.satisfies(v, range, { includePrerelease: true }))
          refused.push(`${path}@${entry.version} wants node ${range}, not ${v}`);
      }
    }
    expect(refused).toEqual([]);
  });
});
