import { defineConfig } from 'vitest/config';

// Unit and integration tests only; Playwright owns e2e/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**', 'dist/**', 'dist-cli/**'],
    environment: 'node',
    // Core has no codec loader of its own (it is DOM- and Node-free): tests use the CLI's.
    setupFiles: ['tests/setup/node-codecs.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    passWithNoTests: true,
  },
});
