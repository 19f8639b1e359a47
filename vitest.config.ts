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
    // After the usual summary: which tests skipped for want of nats-server, chromium, openssl or
    // dist/, and how to install them — a green run without them proves less than CI's.
    reporters: ['default', new RealPartsReporter()],
  },
});
