// Each named subcommand's `--help`, from one process: what `shakedown <sub> --help` prints,
// as bin/shakedown.js prints it (the CLI's main from the bundle it starts help lines from, or
// the sources where there is no bundle), without a process start per subcommand.
// `node test/support/readme-helps.mjs run serve ...` prints {"run": "<help>", ...} on stdout.
import { bundledCli } from '../../bin/cli-bundle.mjs';

const bundled = await bundledCli();
if (!bundled) await import('../../bin/register-ts.mjs');
const entry = bundled ?? new URL('../../src/cli/main.ts', import.meta.url);
const { main } = await import(`${entry.href}?commands=lazy`);

const write = process.stdout.write.bind(process.stdout);
const helps = {};
for (const subcommand of process.argv.slice(2)) {
  let text = '';
  process.stdout.write = (chunk) => {
    text += String(chunk);
    return true;
  };
  try {
    // main() returns the exit code: commander's help is an exit override, not process.exit.
    const code = await main([process.execPath, 'shakedown', subcommand, '--help']);
    helps[subcommand] = code === 0 ? text : '';
  } finally {
    process.stdout.write = write;
  }
}
write(`${JSON.stringify(helps)}\n`);
