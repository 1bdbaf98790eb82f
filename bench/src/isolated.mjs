// One measurement in a child process of its own: a fresh heap and fresh JIT state for each, so that earlier
// measurements of a suite (their heaps, their pools) cannot slow later ones. A suite module runs itself as
// the child: `isolated(import.meta.url, tag, args)` in the parent, `childMain(tag, fn)` at its top level.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Run the module at `moduleUrl` as `node --expose-gc <module> --<tag> <json args>` and resolve to the
 * object its {@link childMain} printed; every other line it prints goes to `log`.
 */
export function isolated(moduleUrl, tag, args, { log = () => {}, nodeArgs = [] } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', ...nodeArgs, fileURLToPath(moduleUrl), `--${tag}`, JSON.stringify(args)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = out.split('\n').filter(Boolean);
      const result = lines.findLast((l) => l.startsWith('RESULT '));
      for (const l of lines) if (!l.startsWith('RESULT ')) log(l);
      if (code !== 0 || !result) reject(new Error(`${tag} ${JSON.stringify(args)}: child exited ${code}`));
      else resolve(JSON.parse(result.slice(7)));
    });
  });
}

/** In a module run by {@link isolated} with `tag`: compute `fn(args)`, print it for the parent, exit. */
export async function childMain(tag, fn) {
  if (process.argv[2] !== `--${tag}`) return;
  const r = await fn(JSON.parse(process.argv[3]));
  console.log(`RESULT ${JSON.stringify(r)}`);
  process.exit(0);
}
