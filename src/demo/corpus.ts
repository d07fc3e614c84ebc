import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The ANT corpus and the seed article in ../shared: what the demo posts, and the tests' inputs.

/** ../shared, beside the project root (the demo and the tests run from the root). */
export const SHARED = resolve(process.cwd(), '../shared');
export const FIXTURE_PATH = join(SHARED, 'fixtures/scraped-article-iran-iraq.txt');

export interface AntArticle {
  docno: string;
  url: string;
  source: string;
  category: string;
  title: string;
  time: string;
  abstract: string;
  text: string;
}

function field(xml: string, tag: string): string {
  const m = xml.match(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`));
  return (m?.[1] ?? '').trim();
}

/** Every ANT file path, in a stable order (category, then file name). */
export function antPaths(): string[] {
  const root = join(SHARED, 'corpus/ant');
  const paths: string[] = [];
  for (const cat of readdirSync(root, { withFileTypes: true })) {
    if (!cat.isDirectory()) continue;
    for (const f of readdirSync(join(root, cat.name)).sort()) {
      if (f.endsWith('.txt')) paths.push(join(root, cat.name, f));
    }
  }
  return paths.sort();
}

export function readAnt(path: string): AntArticle {
  const xml = readFileSync(path, 'utf8');
  return {
    docno: field(xml, 'DOCNO'),
    url: field(xml, 'URL'),
    source: field(xml, 'SRC'),
    category: field(xml, 'CAT'),
    title: field(xml, 'TITLE'),
    time: field(xml, 'TIME'),
    abstract: field(xml, 'ABSTRACT'),
    text: field(xml, 'TEXT'),
  };
}

/**
 * `count` ANT articles spread over all categories (every k-th file), deterministic, skipping
 * ones with an empty title or text.
 */
export function antSample(count: number): AntArticle[] {
  const paths = antPaths();
  const step = Math.max(1, Math.floor(paths.length / count));
  const out: AntArticle[] = [];
  for (let i = 0; i < paths.length && out.length < count; i += step) {
    const a = readAnt(paths[i] as string);
    if (a.title && a.text.length > 80) out.push(a);
  }
  return out;
}

/** An ANT article as scraped text: the headline on the first line, then the story. */
export function antAsText(a: AntArticle): string {
  return `${a.title}\n\n${a.text}`;
}
