#!/usr/bin/env node
// Thin launcher: registers the TypeScript loaders (bin/register-ts.mjs) so user adapters written
// in TypeScript load without a build step, then hands over to the CLI: its TypeScript sources in
// a checkout (no build step either), its compiled JavaScript (dist/) in the installed package.
import { existsSync } from 'node:fs';

await import('./register-ts.mjs');
const source = new URL('../src/cli/main.ts', import.meta.url);
const { main } = await import(existsSync(source) ? source.href : '../dist/src/cli/main.js');
process.exitCode = await main(process.argv);
