import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Gs1DiagnosticCode } from '@lotgraph/gs1';
import { afterEach, describe, expect, it, vi } from 'vitest';

const read = (p: string) => readFileSync(fileURLToPath(new URL(p, import.meta.url)), 'utf8');
const readme = read('../README.md');

describe('README', () => {
  afterEach(() => vi.restoreAllMocks());

  it('embeds examples/receive-scan.ts verbatim, and the example runs with the output it claims', async () => {
    const example = read('../examples/receive-scan.ts');
    expect(readme).toContain(`\`\`\`ts\n${example.trimEnd()}\n\`\`\``);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    await import('../examples/receive-scan');
    expect(error).not.toHaveBeenCalled();
    expect(log.mock.calls).toEqual([
      ['09506000134352', 'LOT-2026-0042', '2027-12-31'],
      [{ value: '1.250', unit: 'kg', ai: '3103' }],
      ['https://id.gs1.org/01/09506000134352/10/LOT-2026-0042?17=271200&3103=001250'],
    ]);
    // The comments in the example state the same values.
    expect(example).toContain('// 09506000134352 LOT-2026-0042 2027-12-31');
    expect(example).toContain('?17=271200&3103=001250');
  });

  it('documents every diagnostic code', () => {
    for (const code of Object.values(Gs1DiagnosticCode)) expect(readme, code).toContain(`| \`${code}\` |`);
  });
});
