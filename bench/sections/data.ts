import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Section } from '../../src/article/types.ts';
import { type AntArticle, antPaths, readAnt } from '../../src/demo/corpus.ts';
import { normalizeForMatch } from '../../src/text/normalize.ts';

// ANT for the section classifier: the category folders mapped to our sections, and the fixed
// 80/20 split by file-name hash that keeps identical texts and identical titles on one side.

/** ANT's nine <CAT> folder names → our sections. */
export const ANT_SECTIONS: Readonly<Record<string, Section>> = {
  politic: 'politics',
  economy: 'economy',
  sport: 'sport',
  culture: 'culture',
  technology: 'technology',
  society: 'society',
  localNews: 'local',
  internationalNews: 'international',
  diverse: 'misc',
};

export interface LabelledDoc {
  /** The file name (JA-sport-1-20170121.txt): what the split hashes. */
  file: string;
  section: Section;
  title: string;
  /** Abstract (when any) and text: the story as a page would give it. */
  body: string;
}

export interface Split {
  train: LabelledDoc[];
  test: LabelledDoc[];
}

/** Percent of the groups held out for testing. */
export const TEST_PERCENT = 20;

/** The category folder of an ANT path (the parent directory's name). */
function folderOf(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 2] ?? '';
}

export function toDoc(path: string, ant: AntArticle = readAnt(path)): LabelledDoc | undefined {
  const section = ANT_SECTIONS[folderOf(path)];
  if (section === undefined) return undefined;
  const body = [ant.abstract, ant.text].filter((s) => s !== '').join('\n');
  return { file: basename(path), section, title: ant.title, body };
}

/** Every ANT document with a known category, in path order. */
export function loadAnt(paths: string[] = antPaths()): LabelledDoc[] {
  const docs: LabelledDoc[] = [];
  for (const path of paths) {
    const doc = toDoc(path);
    if (doc !== undefined) docs.push(doc);
  }
  return docs;
}

/** The matching form used to find copies: normalised, punctuation and spacing dropped. */
export function dedupeKey(s: string): string {
  return normalizeForMatch(s)
    .replace(/[^\p{L}\p{Nd}]+/gu, ' ')
    .trim();
}

function hashPercent(name: string): number {
  return createHash('sha256').update(name, 'utf8').digest().readUInt32BE(0) % 100;
}

/**
 * Groups of documents that must stay together: documents sharing a normalised text or a
 * normalised (non-empty) title are joined (union-find), so a copy never straddles the split.
 * Returns, for each document, the index of its group's representative.
 */
export function groupCopies(docs: LabelledDoc[]): number[] {
  const parent = docs.map((_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[i] !== r) {
      const next = parent[i]!;
      parent[i] = r;
      i = next;
    }
    return r;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const firstByKey = new Map<string, number>();
  for (const [i, doc] of docs.entries()) {
    for (const key of [`b:${dedupeKey(doc.body)}`, `t:${dedupeKey(doc.title)}`]) {
      if (key.length <= 2) continue;
      const seen = firstByKey.get(key);
      if (seen === undefined) firstByKey.set(key, i);
      else union(seen, i);
    }
  }
  return docs.map((_, i) => find(i));
}

/**
 * The fixed split: a group goes to test when the sha256 of the smallest file name in it falls
 * in the first TEST_PERCENT of 100 buckets. Independent of the order the files are read in.
 */
export function splitDocs(docs: LabelledDoc[]): Split {
  const groups = groupCopies(docs);
  const nameOf = new Map<number, string>();
  for (const [i, doc] of docs.entries()) {
    const root = groups[i]!;
    const name = nameOf.get(root);
    if (name === undefined || doc.file < name) nameOf.set(root, doc.file);
  }
  const split: Split = { train: [], test: [] };
  for (const [i, doc] of docs.entries()) {
    const held = hashPercent(nameOf.get(groups[i]!) ?? doc.file) < TEST_PERCENT;
    (held ? split.test : split.train).push(doc);
  }
  return split;
}
