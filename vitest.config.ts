import { defineConfig } from 'vitest/config';
import { RealPartsReporter } from './test/helpers/real-parts-reporter.js';

export default defineConfig({
  test: {
    // Tests live under test/ (scripts/check-layers.mjs enforces it); src/ only until the TEMPORARY
    // tests listed there have moved.
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time on a 2-core machine (vitest's default there is one): most of the long
    // files (the network, fault and browser ones) spend their time waiting on processes and
    // timers, so a second worker halves the wall time without starving the first.
    maxWorkers: 2,
    minWorkers: 1,
    // After the usual summary: which tests skipped for want of nats-server, chromium, openssl or
    // dist/, and how to install them — a green run without them proves less than CI's.
    reporters: ['default', new RealPartsReporter()],
  },
});
