// gs1 suite: parse + full validation throughput of @lotgraph/gs1 against gs1-barcode-parser-mod and
// bark-js (parse only — they check no check digits, associations or linters) on the same inputs.
import { createRequire } from 'node:module';
import { parse, parseBracketed, parseDigitalLink, parseScan } from '@lotgraph/gs1';
import { Bench } from 'tinybench';

const require = createRequire(import.meta.url);
const GS = '\x1d';

/** Inputs: what a goods-receipt and a pick scanner send, and the same data in the other syntaxes. */
export const INPUTS = {
  receipt: `]C1010950600013435217271231` + `10LOT-2026-0042${GS}3103001250`,
  pick: `]d2010950600013435221SN12345678${GS}17271231` + `10LOT-2026-0042`,
  bracketed: '(01)09506000134352(17)271231(10)LOT-2026-0042(3103)001250',
  digitalLink: 'https://id.gs1.org/01/09506000134352/10/LOT-2026-0042/21/SN12345678?17=271231',
};

const OPTIONS = { referenceDate: '2026-06-01' };

function loadCompetitors(log) {
  const out = {};
  try {
    const mod = require('gs1-barcode-parser-mod');
    out.parseBarcode = typeof mod === 'function' ? mod : (mod.parseBarcode ?? mod.default);
  } catch (e) {
    log?.(`gs1: gs1-barcode-parser-mod unavailable: ${e.message}`);
  }
  try {
    out.bark = require('bark-js');
  } catch (e) {
    log?.(`gs1: bark-js unavailable: ${e.message}`);
  }
  return out;
}

/**
 * Does a competitor read this input correctly (no throw, the GTIN and lot number extracted)? If not, the
 * syntax is reported as unsupported rather than timing a failure path.
 */
function supports(fn, input) {
  try {
    const out = JSON.stringify(fn(input));
    return out.includes('09506000134352') && out.includes('LOT-2026-0042');
  } catch {
    return false;
  }
}

const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const fmtUs = (ms) => `${(ms * 1000).toFixed(2)} µs`;

/**
 * Run the suite. Returns a Markdown section.
 * Called by bench/src/run.mjs as `run({ sizes, quick, log, progress })`; sizes do not apply here.
 * @param {{ log?: (msg: string) => void, quick?: boolean, time?: number }} [opts]
 */
export async function run({ log = () => {}, quick = false, time = quick ? 100 : 500 } = {}) {
  const { parseBarcode, bark } = loadCompetitors(log);

  // Sanity: lotgraph must accept every input as valid (it validates everything).
  const own = {
    receipt: (s) => parseScan(s, OPTIONS),
    pick: (s) => parseScan(s, OPTIONS),
    bracketed: (s) => parseBracketed(s, OPTIONS),
    digitalLink: (s) => parseDigitalLink(s, OPTIONS),
  };
  for (const [name, input] of Object.entries(INPUTS)) {
    const r = own[name](input);
    if (!r.valid) throw new Error(`gs1 bench input ${name} is not valid: ${JSON.stringify(r.diagnostics)}`);
  }
  // The auto-detecting entry point is what the sdk calls; check it agrees.
  if (parse(INPUTS.receipt, OPTIONS).batch !== 'LOT-2026-0042')
    throw new Error('gs1 bench: parse() disagrees');

  const labels = {
    receipt: 'receipt scan `]C1` GS1-128 (01)(17)(10)(3103)',
    pick: 'pick scan `]d2` GS1 DataMatrix (01)(21)(17)(10)',
    bracketed: 'bracketed (01)(17)(10)(3103)',
    digitalLink: 'Digital Link /01/10/21?17',
  };

  const tasks = [];
  for (const [name, input] of Object.entries(INPUTS)) {
    const fn = own[name];
    tasks.push({ name, lib: 'lotgraph', id: `lotgraph ${name}`, fn: () => fn(input) });
    if (parseBarcode && supports(parseBarcode, input)) {
      tasks.push({ name, lib: 'gs1-barcode-parser-mod', id: `gbpm ${name}`, fn: () => parseBarcode(input) });
    }
    if (bark && supports(bark, input)) {
      tasks.push({ name, lib: 'bark-js', id: `bark ${name}`, fn: () => bark(input) });
    }
  }
  // Shared CI machines are noisy: run several rounds (task order reversed every other round) and report
  // the median of each statistic, so one disturbed block does not decide a ratio.
  const rounds = 3;
  log(`gs1: ${tasks.length} tasks × ${rounds} rounds, ${time} ms each`);
  const samples = new Map(tasks.map((t) => [t.id, []]));
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({ time, warmupTime: 100 });
    for (const t of r % 2 === 0 ? tasks : [...tasks].reverse()) bench.add(t.id, t.fn);
    await bench.run();
    for (const t of bench.tasks) {
      const lat = t.result?.latency;
      const thr = t.result?.throughput;
      if (lat && thr) samples.get(t.name)?.push({ hz: thr.mean, mean: lat.mean, p99: lat.p99 });
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const stats = new Map();
  for (const [id, xs] of samples) {
    if (xs.length === 0) continue;
    stats.set(id, {
      hz: median(xs.map((x) => x.hz)),
      mean: median(xs.map((x) => x.mean)),
      p99: median(xs.map((x) => x.p99)),
    });
  }

  const lines = [];
  lines.push('## gs1: parse + validate throughput');
  lines.push('');
  lines.push(
    `Node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString().slice(0, 10)}. ` +
      'lotgraph runs full validation (check digits, dates, charsets, every dictionary linter, req/ex associations, ' +
      'typed values); the other libraries only split and convert. Medians of 3 rounds. Ratio = lotgraph ops/s ÷ ' +
      'library ops/s (> 1 means lotgraph is faster).',
  );
  lines.push('');
  lines.push('| input | library | ops/s | mean | p99 | lotgraph ratio |');
  lines.push('|---|---|---:|---:|---:|---:|');
  for (const name of Object.keys(INPUTS)) {
    const mine = stats.get(`lotgraph ${name}`);
    for (const lib of ['lotgraph', 'gs1-barcode-parser-mod', 'bark-js']) {
      const t = tasks.find((x) => x.name === name && x.lib === lib);
      if (!t) {
        lines.push(`| ${labels[name]} | ${lib} | n/a (syntax not supported) | | | |`);
        continue;
      }
      const s = stats.get(t.id);
      if (!s) {
        lines.push(`| ${labels[name]} | ${lib} | failed | | | |`);
        continue;
      }
      const ratio = lib === 'lotgraph' || !mine ? '—' : `${(mine.hz / s.hz).toFixed(2)}×`;
      lines.push(
        `| ${labels[name]} | ${lib} | ${fmtInt(s.hz)} | ${fmtUs(s.mean)} | ${fmtUs(s.p99)} | ${ratio} |`,
      );
    }
  }
  lines.push('');
  return lines.join('\n');
}
