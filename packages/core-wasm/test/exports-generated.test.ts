// The wrapper calls the wasm through CoreExports, generated from the declarations asc writes: the
// checked-in file must be exactly what the current assembly/ produces, and cover every export.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — plain .mjs build helper
import { coreExportsSource } from '../scripts/core-exports.mjs';

const dtsPath = fileURLToPath(new URL('../build/genealogy.d.ts', import.meta.url));
const generatedPath = fileURLToPath(new URL('../src/exports.generated.ts', import.meta.url));

describe('CoreExports', () => {
  it.skipIf(!existsSync(dtsPath))('is generated from asc’s declarations and up to date', () => {
    const dts = readFileSync(dtsPath, 'utf8');
    const source = coreExportsSource(dts) as string;
    expect(readFileSync(generatedPath, 'utf8')).toBe(source);
    const declared = [...dts.matchAll(/export function (\w+)\(/g)].map((m) => m[1]);
    const typed = [...source.matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]);
    expect(typed).toEqual(declared);
    expect(declared.length).toBeGreaterThan(40);
  });

  it('refuses declarations it does not understand instead of generating an empty interface', () => {
    expect(() => coreExportsSource('export declare function instantiate(): void;')).toThrow(
      /__AdaptedExports/,
    );
  });
});
