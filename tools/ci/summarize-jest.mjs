#!/usr/bin/env node
// Adds up the JSON results every project's Jest run wrote, and prints one closing line
// `tests: N passed, N failed` (the plain form CI reads), plus the failures by name.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'tmp/jest-results';
let passed = 0;
let failed = 0;
let suitesFailed = 0;
let files = [];
try {
  files = readdirSync(dir).filter((f) => f.endsWith('.json'));
} catch {
  // no results at all is itself a failure, reported below
}
for (const file of files) {
  const result = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  suitesFailed += result.numRuntimeErrorTestSuites ?? 0;
  for (const suite of result.testResults ?? []) {
    if (suite.status === 'failed' && suite.assertionResults?.length === 0) {
      console.log(`suite failed to run: ${suite.name}\n${suite.message}`);
    }
    for (const test of suite.assertionResults ?? []) {
      if (test.status === 'failed') console.log(`FAILED ${suite.name} › ${test.fullName}`);
    }
  }
}
console.log(`projects with results: ${files.length}`);
console.log(`tests: ${passed} passed, ${failed + suitesFailed} failed`);
process.exit(files.length > 0 && passed > 0 && failed === 0 && suitesFailed === 0 ? 0 : 1);
