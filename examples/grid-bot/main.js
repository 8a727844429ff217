#!/usr/bin/env node
// The grid bot (bot.ts) as a process subject, for `shakedown run --subject "node examples/grid-bot/main.js"`:
// it reads the SHAKEDOWN_ variables of its environment, trades on the venue over WebSocket, keeps
// its state file in SHAKEDOWN_STATE_DIR and serves shakedown's control channel on stdin/stdout
// (docs/bots.md). Plain Node 20: it registers the repository's TypeScript loaders first, as bin/ does.
// Planted bugs: GRID_BOT_BUGS (a comma list) or SHAKEDOWN_BUGS.

await import('../../bin/register-ts.mjs');
const { serveSubjectOnStdio } = await import('../../src/domains/bots/process/serve-subject.ts');
const { createSubject } = await import('./bot.ts');

serveSubjectOnStdio(createSubject);
