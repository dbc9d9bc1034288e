/** @type {import('jest').Config} */
const transform = { '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
const common = {
  testEnvironment: 'node',
  transform,
  setupFiles: ['<rootDir>/test/helpers/env.ts'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
};

// Every response a test gets through supertest is checked against the app's API document.
const checked = { setupFilesAfterEnv: ['<rootDir>/test/helpers/check-responses.ts'] };

module.exports = {
  // One store for the whole run (embedded FerretDB, or MONGODB_URI); each test file gets its own database.
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  maxWorkers: 2,
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, ...checked, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, ...checked, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
