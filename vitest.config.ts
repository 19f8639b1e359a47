import { defineConfig } from 'vitest/config';
import { RealPartsReporter } from './test/helpers/real-parts-reporter.js';

// Unit tests run in-process only: two at a time on worker threads, sharing one module graph per
// worker (a fresh graph per file cost 43 of their 130 s). Tests that start real parts (nodes, NATS
// servers, chromium) run one file at a time, after them, in one child process: two at a time
// starved their timing on 2 cores. Vitest makes one pool per pool kind, with the root's options,
// so the two kinds of test get two pool kinds.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    poolOptions: {
      threads: { isolate: false, maxThreads: 2, minThreads: 1 },
      forks: { isolate: false, maxForks: 1, minForks: 1 },
    },
    // After the usual summary: which tests skipped for want of nats-server, chromium, openssl or
    // dist/, and how to install them — a green run without them proves less than CI's.
    reporters: ['default', new RealPartsReporter()],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Tests live under test/ (scripts/check-layers.mjs enforces it); src/ only until the
          // TEMPORARY tests listed there have moved.
          include: ['test/unit/**/*.test.ts', 'src/**/*.test.ts'],
          pool: 'threads',
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'real',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/browser/**/*.test.ts'],
          pool: 'forks',
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
