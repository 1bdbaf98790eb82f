// A writer process of the scale suite's "N processes, one database" test. Imports the built packages (run
// `npm run build` first). One JSON argument:
//   { store: { kind: 'postgres' | 'mysql' | 'sqlite', ... } (see fixtures/targets.mjs openStore),
//     worker: 3, prefix: 'run1', count: 400, batch: 1 | 20, seconds: 120 }
// Opens its own store and Lotgraph, prints `ready`, waits for a `go` line on stdin (so that the parent
// times the writing, not Node's start-up), then runs `count` commands on lots of its own — cycles of
// receive → produce → ship — one command per call (`batch: 1`) or in `lg.batch()`es of `batch` commands.
// After each acknowledged command (its promise resolved: committed) it prints `ack <idempotencyKey>`; at the
// end `done <commands> <ms>`. Stops early (`timeout`, exit code 3) when `seconds` have passed since `go`.
// Products `flour` (kg) and `bread` (pc), location `WH` and customer `shop` must exist (the parent defines them).
import { createInterface } from 'node:readline';
import { Lotgraph } from '@lotgraph/sdk';
import { openStore } from '../fixtures/targets.mjs';

const cfg = JSON.parse(process.argv[2]);
const w = `${cfg.prefix}-w${cfg.worker}`;
const out = (text) => process.stdout.write(text);

/** The i-th command of this worker (i from 0): receive, produce (from that receipt), ship (of that output). */
function command(i) {
  const c = Math.floor(i / 3);
  const idempotencyKey = `${w}-${i}`;
  switch (i % 3) {
    case 0:
      return {
        command: 'receive',
        input: { idempotencyKey, lotId: `${w}-R${c}`, productId: 'flour', locationId: 'WH', quantity: '100' },
      };
    case 1:
      return {
        command: 'produce',
        input: {
          idempotencyKey,
          orderId: `${w}-P${c}`,
          inputs: [{ lotId: `${w}-R${c}`, locationId: 'WH', quantity: '12.5' }],
          outputs: [{ lotId: `${w}-B${c}`, productId: 'bread', locationId: 'WH', quantity: '20' }],
        },
      };
    default:
      return {
        command: 'ship',
        input: {
          idempotencyKey,
          shipmentId: `${w}-S${c}`,
          customerId: 'shop',
          lines: [{ lotId: `${w}-B${c}`, locationId: 'WH', quantity: '5' }],
        },
      };
  }
}

/** Resolve on the first `go` line on stdin; reject after `ms`. */
function waitForGo(ms) {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin });
    // Stop listening either way: an open stdin would keep this process alive after its work.
    const stop = () => {
      rl.close();
      process.stdin.destroy();
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no "go" within ${ms} ms`));
    }, ms);
    rl.on('line', (line) => {
      if (line.trim() !== 'go') return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

const store = await openStore(cfg.store, { max: 2 });
const lg = await Lotgraph.open({ store, actor: `bench-${cfg.worker}` });
try {
  out('ready\n');
  await waitForGo(120_000);
  const t0 = performance.now();
  const deadline = t0 + cfg.seconds * 1000;
  const size = Math.max(1, cfg.batch ?? 1);
  let done = 0;
  while (done < cfg.count) {
    if (performance.now() > deadline) {
      out(`timeout after ${done} commands\n`);
      process.exitCode = 3;
      break;
    }
    const cmds = [];
    for (let i = done; i < Math.min(cfg.count, done + size); i++) cmds.push(command(i));
    if (size === 1) await lg[cmds[0].command](cmds[0].input);
    else await lg.batch(cmds);
    out(cmds.map((c) => `ack ${c.input.idempotencyKey}\n`).join(''));
    done += cmds.length;
  }
  out(`done ${done} ${(performance.now() - t0).toFixed(1)}\n`);
} catch (e) {
  process.stderr.write(`writer ${cfg.worker}: ${e?.code ? `${e.code}: ` : ''}${e?.stack ?? e}\n`);
  process.exitCode = 1;
} finally {
  await lg.close();
  await store.close();
}
