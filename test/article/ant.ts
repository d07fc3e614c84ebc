// Test helper: read ANT corpus articles (TREC-style XML, one <DOC> per file; '&' in URLs is
// not escaped, so the fields are read with a tolerant pattern rather than an XML parser).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ANT_DIR = fileURLToPath(new URL('../../../shared/corpus/ant/', import.meta.url));

export interface AntDoc {
  file: string;
  docno: string;
  url: string;
  title: string;
  time: string;
  abstract: string;
  text: string;
}

function field(xml: string, tag: string): string {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return (match?.[1] ?? '').trim();
}

export function readAnt(file: string): AntDoc {
  const xml = readFileSync(`${ANT_DIR}${file}`, 'utf8');
  return {
    file,
    docno: field(xml, 'DOCNO'),
    url: field(xml, 'URL'),
    title: field(xml, 'TITLE'),
    time: field(xml, 'TIME'),
    abstract: field(xml, 'ABSTRACT'),
    text: field(xml, 'TEXT'),
  };
}

/** Every `step`-th file of a category, sorted by name: a fixed, spread-out sample. */
export function sampleAnt(category: string, count: number, step = 37): string[] {
  const files = readdirSync(`${ANT_DIR}${category}`).sort();
  const out: string[] = [];
  for (let i = 0; i < files.length && out.length < count; i += step) {
    out.push(`${category}/${files[i]}`);
  }
  return out;
}
