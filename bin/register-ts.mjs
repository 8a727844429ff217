// Registers the TypeScript loaders: tsx for users' adapter modules, then shakedown's own hooks
// (registered last, so they see shakedown's files first). `node --import ./bin/register-ts.mjs`.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./ts-hooks.mjs', import.meta.url);
