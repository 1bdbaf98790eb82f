// Ready to publish (issue #17 item 8): every package ships the Apache-2.0 LICENSE, names its folder in the
// repository field, and every subpath export resolves to its types under both `node16`/`bundler` (the
// `exports` map) and the old `node10` resolution (`typesVersions`) — checked with TypeScript's own resolver
// against the built packages (`npm test` builds them first).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const packages = readdirSync(path.join(root, 'packages')).filter((p) =>
  existsSync(path.join(root, 'packages', p, 'package.json')),
);
const license = readFileSync(path.join(root, 'LICENSE'), 'utf8');
const built = packages.every((p) => existsSync(path.join(root, 'packages', p, 'dist')));
if (!built && process.env.CI) throw new Error('packages are not built: run `npm run build` (npm test does)');

describe('publishing', () => {
  it('the root LICENSE is the Apache License 2.0', () => {
    expect(license).toContain('Apache License');
    expect(license).toContain('Version 2.0, January 2004');
    expect(license).toContain('Copyright 2026 the lotgraph authors');
  });

  for (const p of packages) {
    const dir = path.join(root, 'packages', p);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    it(`${pkg.name}: LICENSE shipped, license and repository fields set`, () => {
      expect(readFileSync(path.join(dir, 'LICENSE'), 'utf8')).toBe(license);
      expect(pkg.files).toContain('LICENSE');
      expect(pkg.license).toBe('Apache-2.0');
      expect(pkg.repository).toMatchObject({ type: 'git', directory: `packages/${p}` });
    });

    it.skipIf(!built)(`${pkg.name}: every export resolves to its types, also under node10`, () => {
      const from = path.join(root, 'examples', 'quickstart', 'index.ts');
      for (const key of Object.keys(pkg.exports).filter((k: string) => k !== './package.json')) {
        const spec = key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`;
        const want = pkg.exports[key].import.types.replace(/^\.\//, '');
        for (const moduleResolution of [ts.ModuleResolutionKind.Node10, ts.ModuleResolutionKind.Bundler]) {
          const r = ts.resolveModuleName(
            spec,
            from,
            { moduleResolution, module: ts.ModuleKind.ESNext, ignoreDeprecations: '6.0' },
            ts.sys,
          );
          const file = r.resolvedModule?.resolvedFileName.replaceAll('\\', '/');
          expect(file, `${spec} (${ts.ModuleResolutionKind[moduleResolution]})`).toMatch(
            new RegExp(`packages/${p}/${want.replaceAll('.', '\\.')}$`),
          );
        }
      }
    });
  }
});
