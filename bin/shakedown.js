#!/usr/bin/env node
// Thin launcher: registers the TypeScript loaders (bin/register-ts.mjs) so the sources, and
// user adapters written in TypeScript, load without a build step; then hands over to the CLI.
await import('./register-ts.mjs');
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
