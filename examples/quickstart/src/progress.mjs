// A small progress bar for command-line tools: redraws one line on a TTY, prints a line every 10 % otherwise
// (so CI logs stay short). No dependencies.

/**
 * @param {string} label
 * @param {number} total
 * @param {{ stream?: NodeJS.WriteStream, width?: number }} [options]
 */
export function progressBar(label, total, { stream = process.stderr, width = 28 } = {}) {
  const tty = Boolean(stream.isTTY);
  const started = performance.now();
  let lastDecile = -1;
  const render = (done, extra = '') => {
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    if (tty) {
      const full = Math.round(frac * width);
      stream.write(
        `\r${label} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total} ${secs}s ${extra}\x1b[K`,
      );
    } else {
      const decile = Math.floor(frac * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`${label}: ${(frac * 100).toFixed(0)}% (${done}/${total}, ${secs}s) ${extra}\n`);
      }
    }
  };
  return {
    update: render,
    done(extra = '') {
      render(total, extra);
      if (tty) stream.write('\n');
    },
  };
}
