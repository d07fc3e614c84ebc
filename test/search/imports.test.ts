import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// src/search/ is the pure half of search: it may use the text toolkit and article types, and
// nothing that does I/O (store/, jobs/, bot/, sources/, http/, node: modules, packages).
const DIR = resolve(process.cwd(), 'src/search');
const ALLOWED = [/^\.\/[a-z-]+\.ts$/, /^\.\.\/text\/[a-z-]+\.ts$/, /^\.\.\/article\/types\.ts$/];

describe('src/search imports', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));

  it('has the pure modules', () => {
    expect(files.sort()).toEqual([
      'codec.ts',
      'plan.ts',
      'rank.ts',
      'sections.ts',
      'sets.ts',
      'snippet.ts',
      'terms.ts',
    ]);
  });

  it.each(files)('%s imports only from ./, ../text/ and ../article/types.ts', (file) => {
    const source = readFileSync(join(DIR, file), 'utf8');
    const specifiers = [...source.matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map(
      (m) => m[1],
    );
    const dynamic = [...source.matchAll(/\bimport\(|\brequire\(/g)];
    expect(dynamic).toEqual([]);
    for (const s of specifiers) expect(ALLOWED.some((re) => re.test(s ?? ''))).toBe(true);
  });
});
