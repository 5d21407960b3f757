// Jest's "Inspect your code changes or run `npm run <script> -- -u`" hint names the npm script Jest runs under
// (npm_lifecycle_event), which here is `npx` (npm test runs scripts/test.sh, which runs `npx jest`): `npm run npx -- -u`
// does not exist. Name the one command that updates snapshots instead; it accepts the trailing `-u` the hint adds.
process.env.npm_lifecycle_event = 'snapshots:update';
process.env.npm_lifecycle_script = 'jest';

// This machine runs Node 20 (end of life); the AWS SDK notes in every process that loads it that its versions from
// January 2027 need Node 22 (the README says so once). The tests and the processes they start leave the notice out.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type errors are caught once by `tsc --noEmit` in the test script; ts-jest only transpiles, file by file, as
  // tsconfig.json's isolatedModules tells it (the setting esbuild's bundles need too).
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 120000,
  // Two workers on the 2-core CI machine (Jest's default there is one): most suites wait on servers and child
  // processes (the emulator, Lambda-like runtimes, the CLI), so a second worker fills the time the first one waits.
  maxWorkers: 2,
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
