// Summary quality on EASC (development half): ROUGE-1/2 F1 of our summarizer against Lead-N and
// TextRank at the same length, and of the default 2–3-sentence mode against Lead-3.
// Run: npx tsx bench/summary.ts   (writes bench/results/summary.json)
//      npx tsx bench/summary.ts --folds   (the same per fold, A = topics 001, 005, … and
//      B = 003, 007, …, with paired differences; writes bench/results/summary-folds.json).
// A change to the summarizer is tuned on one fold and judged on the other, then the other way round.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rawFromInput } from '../src/article/input.ts';
import { buildArticle } from '../src/article/pipeline.ts';
import { countWords, storySentences, summarize } from '../src/article/summarize.ts';
import { splitParagraphs } from '../src/text/sentences.ts';
import { foldOf, type PairedDifference, pairedDifference } from './summary/folds.ts';
import { leadByWords, leadDefault, pickWithinBudget } from './summary/lead.ts';
import { meanRougeF1 } from './summary/rouge.ts';
import { rankByScore, textRankScores } from './summary/textrank.ts';

const EASC = resolve(process.cwd(), '../shared/corpus/easc');
const RESULTS = resolve(process.cwd(), 'bench/results/summary.json');
const FOLD_RESULTS = resolve(process.cwd(), 'bench/results/summary-folds.json');

interface Topic {
  id: string;
  /** The article file as a user would paste it (no headline line in EASC). */
  text: string;
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
      const text = readText(join(dir, 'article.txt'));
      const paragraphs = splitParagraphs(text);
      const references = readdirSync(dir)
        .filter((name) => /^summary-[A-E]\.txt$/.test(name))
        .sort()
        .map((name) => readText(join(dir, name)));
      const budget = Math.round(
        references.reduce((sum, ref) => sum + countWords(ref), 0) / references.length,
      );
      // Every method picks from the same sentences (hard-wrapped lines re-joined).
      return { id, text, paragraphs, sentences: storySentences(paragraphs), references, budget };
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
  // The post a channel gets: the whole pipeline on the pasted text, headline detection included.
  'post (pipeline, default)': (t) => postSummary(t),
  // Cut at exactly the post's word count, as ROUGE at a fixed length does (the budgeted
  // Lead-N above may overshoot by part of a sentence, which would favour it).
  'Lead at the post’s length': (t) => [
    t.sentences
      .join(' ')
      .split(/\s+/)
      .slice(0, countWords(postSummary(t).join(' ')))
      .join(' '),
  ],
  // The same pipeline at the human summaries' length, against Lead-N at that budget.
  'post at the human length': (t) =>
    buildArticle(rawFromInput(t.text, { receivedAt: '2026-01-01T00:00:00.000Z' }), {
      words: t.budget,
    }).summary,
  'post at the human length, first line as headline (old)': (t) =>
    summarize(t.paragraphs.slice(1), { title: t.paragraphs[0] ?? '', words: t.budget }),
  // The old rule, for comparison: the first line is always the headline, left out of the summary.
  'post, first line as headline (old)': (t) =>
    summarize(t.paragraphs.slice(1), { title: t.paragraphs[0] ?? '' }),
};

const postCache = new Map<string, string[]>();
function postSummary(t: Topic): string[] {
  let summary = postCache.get(t.id);
  if (summary === undefined) {
    summary = buildArticle(
      rawFromInput(t.text, { receivedAt: '2026-01-01T00:00:00.000Z' }),
    ).summary;
    postCache.set(t.id, summary);
  }
  return summary;
}

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

// Paired comparisons reported: the budgeted summary against both baselines, and the default mode
// against Lead under the same 2–3-sentence rule.
const PAIRS: [string, string][] = [
  ['ours', 'Lead-N'],
  ['ours', 'TextRank'],
  ['ours (default 2–3 sentences)', 'Lead, same 2–3 rule'],
  ['post (pipeline, default)', 'Lead at the post’s length'],
  ['post (pipeline, default)', 'post, first line as headline (old)'],
  ['post at the human length', 'Lead-N'],
];

function compare(rows: Row[], a: string, b: string): PairedDifference {
  const find = (name: string) => rows.find((row) => row.method === name)!.perTopic;
  return pairedDifference(find(a), find(b));
}

function printTable(rows: Row[]): void {
  console.log('| method | ROUGE-1 F1 | ROUGE-2 F1 | mean words |');
  console.log('|---|---:|---:|---:|');
  for (const row of rows) {
    console.log(
      `| ${row.method} | ${row.rouge1.toFixed(4)} | ${row.rouge2.toFixed(4)} | ${row.words.toFixed(1)} |`,
    );
  }
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(4)}`;
}

function meanBudgetOf(topics: Topic[]): number {
  return topics.reduce((sum, t) => sum + t.budget, 0) / topics.length;
}

function writeResults(path: string, value: unknown): void {
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  console.log(`\nwrote ${path}`);
}

function runDefault(topics: Topic[]): void {
  const rows = evaluate(topics);
  const meanBudget = meanBudgetOf(topics);
  console.log(
    `EASC development half: ${topics.length} topics, mean budget ${meanBudget.toFixed(1)} words (mean human summary length)\n`,
  );
  printTable(rows);
  const comparisons = ['Lead-N', 'TextRank'].map((name) => {
    const { wins, losses, ties } = compare(rows, 'ours', name);
    return { against: name, wins, losses, ties };
  });
  console.log('');
  for (const c of comparisons) {
    console.log(
      `ours vs ${c.against} (ROUGE-2, per topic): ${c.wins} wins, ${c.losses} losses, ${c.ties} ties`,
    );
  }
  writeResults(RESULTS, {
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
  });
}

function runFolds(topics: Topic[]): void {
  const groups: [string, Topic[]][] = [
    ['fold A (001, 005, 009, …)', topics.filter((t) => foldOf(t.id) === 'A')],
    ['fold B (003, 007, 011, …)', topics.filter((t) => foldOf(t.id) === 'B')],
    ['both folds', topics],
  ];
  const out = groups.map(([name, group]) => {
    const rows = evaluate(group);
    console.log(
      `\n## ${name}: ${group.length} topics, mean budget ${meanBudgetOf(group).toFixed(1)} words\n`,
    );
    printTable(rows);
    console.log('\nROUGE-2 F1, paired per topic (difference ± standard error; wins/losses/ties):');
    const comparisons = PAIRS.map(([a, b]) => {
      const d = compare(rows, a, b);
      const ratio = d.se > 0 ? ` = ${(d.mean / d.se).toFixed(1).replace('-', '−')} SE` : '';
      console.log(
        `  ${a} − ${b}: ${signed(d.mean)} ± ${d.se.toFixed(4)}${ratio}; ${d.wins}/${d.losses}/${d.ties}`,
      );
      return { a, b, ...d };
    });
    return {
      fold: name,
      topics: group.map((t) => t.id),
      rows: rows.map(({ perTopic: _, ...row }) => row),
      comparisons,
    };
  });
  writeResults(FOLD_RESULTS, { corpus: 'easc-dev', folds: out });
}

const args = process.argv.slice(2);
if (args.length > 1 || (args.length === 1 && args[0] !== '--folds')) {
  console.error('usage: npx tsx bench/summary.ts [--folds]');
  process.exit(2);
}
const topics = loadTopics();
if (args[0] === '--folds') runFolds(topics);
else runDefault(topics);
