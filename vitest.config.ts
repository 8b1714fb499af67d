import { defineConfig } from 'vitest/config';

// Unit and integration tests only; Playwright owns e2e/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**', 'dist/**', 'dist-cli/**'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    passWithNoTests: true,
  },
});
