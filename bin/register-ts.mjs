// Registers the TypeScript loaders: tsx for users' adapter modules, then, in a checkout (where
// shakedown runs from its TypeScript sources), shakedown's own hooks (registered last, so they
// see shakedown's files first). The installed package runs compiled JavaScript: tsx only.
// `node --import ./bin/register-ts.mjs`.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
if (existsSync(new URL('../src/cli/main.ts', import.meta.url))) register('./ts-hooks.mjs', import.meta.url);
