#!/usr/bin/env node
// Proves the layering rules are live, not just configured: writes probe files that break them,
// lints, and expects the linter to refuse each one. Probes are always removed.
//   - a context importing another context (Nx tags: contexts depend only on platform + contracts)
//   - a platform lib importing a context
//   - domain code importing a framework (no NestJS, kafkajs, mongoose, pg in domain/)
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const probes = [
  {
    what: 'a context importing another context',
    project: 'risk',
    file: 'libs/risk/src/zz-boundary-probe.ts',
    source: "import * as controls from '@isms/controls';\nexport const probe = controls;\n",
    expect: /@nx\/enforce-module-boundaries/,
  },
  {
    what: 'a platform lib importing a context',
    project: 'messaging',
    file: 'libs/messaging/src/zz-boundary-probe.ts',
    source: "import * as governance from '@isms/governance';\nexport const probe = governance;\n",
    expect: /@nx\/enforce-module-boundaries/,
  },
  {
    what: 'domain code importing a framework',
    project: 'risk',
    file: 'libs/risk/src/domain/zz-boundary-probe.ts',
    source: "import { Injectable } from '@nestjs/common';\nexport const probe = Injectable;\n",
    expect: /no-restricted-imports/,
  },
];

let failed = 0;
for (const probe of probes) {
  const path = join(root, probe.file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, probe.source);
  let output = '';
  let refused = false;
  try {
    execFileSync('npx', ['eslint', '--no-color', path], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    refused = true;
    output = `${error.stdout ?? ''}${error.stderr ?? ''}`;
  } finally {
    rmSync(path, { force: true });
  }
  if (refused && probe.expect.test(output)) {
    console.log(`ok: the linter refuses ${probe.what}`);
  } else {
    failed += 1;
    console.log(`FAILED: the linter accepted ${probe.what} (${probe.file})\n${output}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
