// console suite: issue #20's time to first picture — the recall console (examples/recall-console) in
// headless Chromium loads an exported genealogy snapshot of N lots and draws the closures of the five
// heaviest lots (hash change → picture painted: closure, fold, aggregation, ELK layout, SVG). Runs the
// example's own benchmark script per size and tabulates what it prints. Needs /usr/bin/chromium.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sizeLabel } from '../format.mjs';

const script = fileURLToPath(
  new URL('../../../examples/recall-console/scripts/bench-picture.mjs', import.meta.url),
);

export async function run({ sizes, quick = false, log = () => {} }) {
  const L = [
    '## console: time to first picture of heavy-hitter closures (recall console, headless Chromium)',
    '',
  ];
  L.push(
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}${quick ? ' (**--quick**)' : ''}; ` +
      "`examples/recall-console/scripts/bench-picture.mjs --lots N` (the bench generator's genealogy exported " +
      'as a snapshot, served on 127.0.0.1, loaded client-side once; then the five heaviest lots drawn one after ' +
      'the other). Target (issue #20): ≤ 1 s.',
  );
  for (const lots of quick ? [10_000] : sizes) {
    log(`console ${sizeLabel(lots)}: building the console, writing the snapshot, drawing`);
    const out = execFileSync(process.execPath, [script, '--lots', String(lots)], {
      cwd: path.dirname(path.dirname(script)),
      encoding: 'utf8',
      timeout: 20 * 60_000,
    });
    L.push('', `### ${sizeLabel(lots)} lots`, '', '```');
    for (const line of out.trim().split('\n')) {
      log(`console ${sizeLabel(lots)}: ${line}`);
      L.push(line);
    }
    L.push('```');
  }
  return L.join('\n');
}
