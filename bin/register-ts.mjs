// Registers the TypeScript loader hooks (bin/ts-hooks.mjs): in a checkout they compile
// shakedown's own sources with esbuild, and everywhere they hand users' TypeScript adapter
// modules to tsx, loaded the first time such a module is imported (not at every start).
// Without ts-hooks.mjs beside this file, tsx is registered at once, as before.
// `node --import ./bin/register-ts.mjs`.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

// tsx turns source maps on when it registers; users' stack traces keep their TypeScript lines.
process.setSourceMapsEnabled(true);
const hooks = new URL('./ts-hooks.mjs', import.meta.url);
if (existsSync(hooks)) register(hooks.href);
else {
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
}
