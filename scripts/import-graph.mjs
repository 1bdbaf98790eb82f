// The import graph of packages/*/src (value and type imports, re-exports), and its cycles.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const IMPORT_RE =
  /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/g;

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Map of file → the files it imports (relative imports only; `.js` specifiers resolved to `.ts`). */
export function importGraph(srcDir) {
  const graph = new Map();
  for (const file of files(srcDir)) {
    const text = readFileSync(file, 'utf8');
    const deps = new Set();
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1];
      const base = path.resolve(path.dirname(file), spec.replace(/\.js$/, ''));
      for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
        try {
          if (statSync(candidate).isFile()) {
            deps.add(candidate);
            break;
          }
        } catch {}
      }
    }
    graph.set(file, [...deps]);
  }
  return graph;
}

/** Every elementary cycle found by DFS (each reported once, as a list of files). */
export function findCycles(graph) {
  const cycles = [];
  const state = new Map();
  const stack = [];
  const seen = new Set();
  const visit = (f) => {
    state.set(f, 1);
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === 1) {
        const cycle = stack.slice(stack.indexOf(d));
        const key = [...cycle].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 2);
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return cycles;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const pkg of readdirSync('packages')) {
    const src = path.join('packages', pkg, 'src');
    try {
      statSync(src);
    } catch {
      continue;
    }
    for (const c of findCycles(importGraph(path.resolve(src))))
      console.log(`${pkg}: ${c.map((f) => path.relative(src, f)).join(' → ')}`);
  }
}
