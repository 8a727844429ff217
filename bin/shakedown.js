#!/usr/bin/env node
// Thin launcher: registers the TypeScript loader hooks (bin/register-ts.mjs: shakedown's own
// sources in a checkout, users' TypeScript adapters through tsx when one is loaded), then hands
// over to the CLI: its TypeScript sources in a checkout (no build step), its compiled JavaScript
// (dist/) in the installed package. `?commands=lazy`: the CLI loads only the command it runs.
import { existsSync } from 'node:fs';

await import('./register-ts.mjs');
const source = new URL('../src/cli/main.ts', import.meta.url);
const entry = existsSync(source) ? source : new URL('../dist/src/cli/main.js', import.meta.url);
const { main } = await import(`${entry.href}?commands=lazy`);
process.exitCode = await main(process.argv);
