// Summary quality on EASC (development half): ROUGE-1/2 F1 of our summarizer against Lead-N and
// TextRank at the same length, and of the default 2–3-sentence mode against Lead-3.
// Run: npx tsx bench/summary.ts   (writes bench/results/summary.json)
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { countWords, storySentences, summarize } from '../src/article/summarize.ts';
import { splitParagraphs } from '../src/text/sentences.ts';
import { leadByWords, leadDefault, pickWithinBudget } from './summary/lead.ts';
import { meanRougeF1 } from './summary/rouge.ts';
import { rankByScore, textRankScores } from './summary/textrank.ts';

const EASC = resolve(process.cwd(), '../shared/corpus/easc');
const RESULTS = resolve(process.cwd(), 'bench/results/summary.json');

interface Topic {
  id: string;
  paragraphs: string[];
  sentences: string[];
  references: string[];
  budget: number;
}

function readText(path: string): string {
  return readFileSync(path, 'utf8').replace(/^\ufeff/, '');
}

function loadTopics(): Topic[] {
  return readdirSync(EASC)
    .filter((name) => name.startsWith('topic-'))
    .sort()
    .map((id) => {
      const dir = join(EASC, id);
      const paragraphs = splitParagraphs(readText(join(dir, 'article.txt')));
      const references = readdirSync(dir)
        .filter((name) => /^summary-[A-E]\.txt$/.test(name))
        .sort()
        .map((name) => readText(join(dir, name)));
      const budget = Math.round(
        references.reduce((sum, ref) => sum + countWords(ref), 0) / references.length,
      );
      // Every method picks from the same sentences (hard-wrapped lines re-joined).
      return { id, paragraphs, sentences: storySentences(paragraphs), references, budget };
    });
}

type Method = (topic: Topic) => string[];

const METHODS: Record<string, Method> = {
  ours: (t) => summarize(t.paragraphs, { words: t.budget }),
  'Lead-N': (t) => leadByWords(t.sentences, t.budget),
  TextRank: (t) =>
    pickWithinBudget(t.sentences, rankByScore(textRankScores(t.sentences)), t.budget),
  'ours (default 2–3 sentences)': (t) => summarize(t.paragraphs),
  'Lead-3': (t) => t.sentences.slice(0, 3),
  'Lead, same 2–3 rule': (t) => leadDefault(t.sentences),
};

interface Row {
  method: string;
  rouge1: number;
  rouge2: number;
  words: number;
  /** Per-topic ROUGE-2 F1, for the head-to-head count. */
  perTopic: number[];
}

function evaluate(topics: Topic[]): Row[] {
  return Object.entries(METHODS).map(([method, run]) => {
    let r1 = 0;
    let words = 0;
    const perTopic: number[] = [];
    for (const topic of topics) {
      const summary = run(topic).join(' ');
      r1 += meanRougeF1(summary, topic.references, 1);
      perTopic.push(meanRougeF1(summary, topic.references, 2));
      words += countWords(summary);
    }
    const n = topics.length;
    const r2 = perTopic.reduce((sum, x) => sum + x, 0);
    return { method, rouge1: r1 / n, rouge2: r2 / n, words: words / n, perTopic };
  });
}

/** Topics where a beats b, loses, ties on ROUGE-2 F1. */
function headToHead(a: Row, b: Row): { wins: number; losses: number; ties: number } {
  let wins = 0;
  let losses = 0;
  a.perTopic.forEach((x, i) => {
    const y = b.perTopic[i] ?? 0;
    if (Math.abs(x - y) < 1e-12) return;
    if (x > y) wins++;
    else losses++;
  });
  return { wins, losses, ties: a.perTopic.length - wins - losses };
}

const topics = loadTopics();
const rows = evaluate(topics);
const meanBudget = topics.reduce((sum, t) => sum + t.budget, 0) / topics.length;
console.log(
  `EASC development half: ${topics.length} topics, mean budget ${meanBudget.toFixed(1)} words (mean human summary length)\n`,
);
console.log('| method | ROUGE-1 F1 | ROUGE-2 F1 | mean words |');
console.log('|---|---:|---:|---:|');
for (const row of rows) {
  console.log(
    `| ${row.method} | ${row.rouge1.toFixed(4)} | ${row.rouge2.toFixed(4)} | ${row.words.toFixed(1)} |`,
  );
}
const byName = new Map(rows.map((row) => [row.method, row]));
const ours = byName.get('ours')!;
const comparisons = ['Lead-N', 'TextRank'].map((name) => ({
  against: name,
  ...headToHead(ours, byName.get(name)!),
}));
console.log('');
for (const c of comparisons) {
  console.log(
    `ours vs ${c.against} (ROUGE-2, per topic): ${c.wins} wins, ${c.losses} losses, ${c.ties} ties`,
  );
}
mkdirSync(resolve(RESULTS, '..'), { recursive: true });
writeFileSync(
  RESULTS,
  `${JSON.stringify(
    {
      corpus: 'easc-dev',
      topics: topics.length,
      meanBudget,
      rows: rows.map(({ perTopic: _, ...row }) => row),
      comparisons,
      perTopic: topics.map((t, i) => ({
        id: t.id,
        budget: t.budget,
        rouge2: Object.fromEntries(rows.map((row) => [row.method, row.perTopic[i]])),
      })),
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${RESULTS}`);
