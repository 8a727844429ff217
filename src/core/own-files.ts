/**
 * Where shakedown's own files are, whether it runs from its TypeScript sources (a checkout:
 * `src/core/own-files.ts`) or compiled (the package: `dist/src/core/own-files.js`, one folder
 * deeper). Only the launcher and the files it spawns (workers, the venue's child process) need
 * this; everything else reaches its siblings by relative imports, which the build rewrites.
 */
const COMPILED = import.meta.url.endsWith('.js');

/** The package's root folder (with bin/ and package.json): the checkout, or node_modules/shakedown. */
export const PACKAGE_ROOT: URL = new URL(COMPILED ? '../../../' : '../../', import.meta.url);

/**
 * A module of shakedown's own named by its source file (`./campaign-worker.ts`): as it is from
 * the sources, and the `.js` file it was compiled to when shakedown runs compiled.
 */
export function ownModule(source: string | URL, base?: string | URL): URL {
  const url = new URL(source, base);
  if (!COMPILED || !url.href.startsWith(PACKAGE_ROOT.href) || !url.pathname.endsWith('.ts')) return url;
  url.pathname = url.pathname.replace(/\.ts$/, '.js');
  return url;
}
