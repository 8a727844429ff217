#!/usr/bin/env node
// Fails when relative imports form a cycle. Import cycles make module init order fragile
// and blur the pure-core / I/O-edge boundary, so the check runs in `npm test`.
// Also fails when a checker (invariants/, properties/) imports anything from src/exchange/:
// checkers import no code of the system they judge (type imports included).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const roots = ['src', 'properties', 'invariants', 'test', 'benchmarks', 'examples'];
const files = [];
function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts')) files.push(resolve(p));
  }
}
roots.forEach(walk);

const importRe = /(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
const graph = new Map();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const deps = [];
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2];
    if (/^import\s+type\s/.test(m[0]) || /^export\s+type\s/.test(m[0])) continue;
    deps.push(resolve(dirname(file), spec));
  }
  graph.set(file, deps);
}

const state = new Map();
const stack = [];
const cycles = [];
function visit(node) {
  state.set(node, 1);
  stack.push(node);
  for (const dep of graph.get(node) ?? []) {
    if (!graph.has(dep)) continue;
    const s = state.get(dep);
    if (s === 1) cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
    else if (!s) visit(dep);
  }
  stack.pop();
  state.set(node, 2);
}
for (const f of graph.keys()) if (!state.get(f)) visit(f);

// Checkers judge the venue from its documented rules, never with its code.
const checkerDirs = ['invariants', 'properties'].map((d) => resolve(d) + sep);
const venueDir = resolve('src', 'exchange') + sep;
const anyImportRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const forbidden = [];
for (const file of files) {
  if (!checkerDirs.some((d) => file.startsWith(d))) continue;
  for (const m of readFileSync(file, 'utf8').matchAll(anyImportRe)) {
    const spec = m[1] ?? m[2];
    if (spec.startsWith('.') && resolve(dirname(file), spec).startsWith(venueDir))
      forbidden.push(`${relative(process.cwd(), file)} imports ${spec}`);
  }
}
if (forbidden.length > 0) {
  for (const f of forbidden) console.error(`checker imports the venue's code: ${f}`);
  process.exit(1);
}

if (cycles.length > 0) {
  for (const c of cycles)
    console.error(`import cycle: ${c.map((f) => relative(process.cwd(), f)).join(' -> ')}`);
  process.exit(1);
}
console.log(`no import cycles in ${graph.size} files`);
