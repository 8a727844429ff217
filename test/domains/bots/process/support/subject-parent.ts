// A shakedown stand-in for the test of a tool that dies: it starts one subject process, prints
// the subject's pid, and waits to be killed.
import { SubjectProcess } from '../../../../../src/domains/bots/process/subject-process.ts';

const subject = new SubjectProcess({
  command: `${JSON.stringify(process.execPath)} ${JSON.stringify(new URL('./scripted-subject.mjs', import.meta.url).pathname)} quiet`,
  env: { ...process.env },
});
await subject.start();
process.stdout.write(`${subject.pid}\n`);
setInterval(() => {}, 1_000);
