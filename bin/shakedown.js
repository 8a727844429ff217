#!/usr/bin/env node
// Thin launcher: registers tsx so the TypeScript sources (and user adapters written in
// TypeScript) load without a build step, then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
