#!/usr/bin/env node
// Builds one app with tsc (type-checked, decorator metadata for Nest) and rewrites the
// @isms/* path aliases in the output to relative imports, so plain `node` can run it.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = process.argv[2];
if (!app) {
  console.error('usage: build-app.mjs <app-name>');
  process.exit(2);
}
const tsconfig = join(root, 'apps', app, 'tsconfig.app.json');
const bin = (name) => join(root, 'node_modules', '.bin', name);
rmSync(join(root, 'dist', 'apps', app), { recursive: true, force: true });
execFileSync(bin('tsc'), ['-p', tsconfig], { stdio: 'inherit', cwd: root });
execFileSync(bin('tsc-alias'), ['-p', tsconfig, '--resolve-full-paths'], {
  stdio: 'inherit',
  cwd: root,
});
console.log(`built dist/apps/${app}`);
