// Sections: the committed classifier against a majority-class and a keyword baseline on ANT's
// held-out 20% (the same split the training script uses): accuracy, macro-F1, per-section F1,
// the model's confusion matrix, its size on disk, and classification time per article (also as
// a ratio to the keyword baseline, timed in alternating rounds of the same run).
// Run: npm run bench:sections   (writes bench/results/sections.json)
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSectionModel, sectionClassifier } from '../src/article/section.ts';
import { SECTIONS, type Section } from '../src/article/types.ts';
import { keywordBaseline, majorityBaseline } from './sections/baselines.ts';
import { type LabelledDoc, loadAnt, splitDocs } from './sections/data.ts';
import { type Scores, score } from './sections/model.ts';

const RESULTS = resolve(process.cwd(), 'bench/results/sections.json');
const MODEL_FILE = fileURLToPath(new URL('../src/article/sections-model.json', import.meta.url));

type Classify = (doc: LabelledDoc) => Section;

/**
 * Microseconds per article for each method: rounds over the test set taken in turn, so load from
 * other processes falls on all methods alike; the median round counts.
 */
function timePerArticle(docs: readonly LabelledDoc[], classify: Classify[], rounds = 7): number[] {
  for (const c of classify) for (const d of docs.slice(0, 200)) c(d); // warm-up
  const times = classify.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (const [m, c] of classify.entries()) {
      const start = process.hrtime.bigint();
      for (const d of docs) c(d);
      times[m]!.push(Number(process.hrtime.bigint() - start) / 1000 / docs.length);
    }
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!);
}

const loadStart = process.hrtime.bigint();
const classifier = sectionClassifier();
const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
const model = loadSectionModel();
const { train, test } = splitDocs(loadAnt());
const majority = majorityBaseline(train);
const keywords = keywordBaseline(majority());

const methods: { name: string; classify: Classify }[] = [
  { name: 'majority class', classify: () => majority() },
  { name: 'keyword cues', classify: (d) => keywords(d.title, d.body) },
  { name: 'model (softmax)', classify: (d) => classifier.classify(d.title, [d.body]) },
];
const truth = test.map((d) => d.section);
const micros = timePerArticle(
  test,
  methods.map((m) => m.classify),
);
const rows = methods.map((m, i) => {
  const scores = score(
    truth,
    test.map((d) => m.classify(d)),
  );
  return { name: m.name, scores, microsPerArticle: micros[i]! };
});
const keywordTime = rows[1]!.microsPerArticle;
const ours = rows[2]!;
const modelBytes = statSync(MODEL_FILE).size;

const pct = (x: number) => (100 * x).toFixed(1);
console.log(
  `ANT held-out split: ${test.length} test / ${train.length} train documents; ` +
    `model ${Object.keys(model.weights).length} terms, ${(modelBytes / 1024).toFixed(0)} KiB on disk, ` +
    `loaded in ${loadMs.toFixed(0)} ms\n`,
);
console.log('| method | accuracy | macro-F1 | µs / article | × keyword time |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${pct(r.scores.accuracy)}% | ${r.scores.macroF1.toFixed(3)} | ` +
      `${r.microsPerArticle.toFixed(1)} | ${(r.microsPerArticle / keywordTime).toFixed(2)} |`,
  );
}
console.log('\nF1 per section:\n');
console.log(`| section | test docs | ${rows.map((r) => r.name).join(' | ')} |`);
console.log(`|---|---:|${rows.map(() => '---:').join('|')}|`);
for (const [c, s] of SECTIONS.entries()) {
  const support = ours.scores.confusion[c]!.reduce((a, b) => a + b, 0);
  console.log(`| ${s} | ${support} | ${rows.map((r) => r.scores.f1[s].toFixed(2)).join(' | ')} |`);
}
console.log('\nModel confusion matrix (rows: true section, columns: predicted):\n');
const short = SECTIONS.map((s) => s.slice(0, 5));
console.log(`| true \\ predicted | ${short.join(' | ')} |`);
console.log(`|---|${SECTIONS.map(() => '---:').join('|')}|`);
for (const [c, s] of SECTIONS.entries()) {
  console.log(`| ${s} | ${ours.scores.confusion[c]!.join(' | ')} |`);
}
console.log('\nMost confused pairs (true → predicted, share of the true section):\n');
for (const p of confusedPairs(ours.scores).slice(0, 8)) {
  console.log(`- ${p.from} → ${p.to}: ${p.count} (${pct(p.share)}%)`);
}

mkdirSync(resolve(RESULTS, '..'), { recursive: true });
writeFileSync(
  RESULTS,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      split: { train: train.length, test: test.length },
      model: {
        file: 'src/article/sections-model.json',
        bytes: modelBytes,
        terms: Object.keys(model.weights).length,
        loadMs,
      },
      sections: SECTIONS,
      methods: rows.map((r) => ({
        name: r.name,
        accuracy: r.scores.accuracy,
        macroF1: r.scores.macroF1,
        f1: r.scores.f1,
        microsPerArticle: r.microsPerArticle,
        timeVsKeywords: r.microsPerArticle / keywordTime,
        confusion: r.scores.confusion,
      })),
      confusedPairs: confusedPairs(ours.scores),
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${RESULTS}`);

function confusedPairs(s: Scores) {
  const pairs: { from: Section; to: Section; count: number; share: number }[] = [];
  for (const [i, from] of SECTIONS.entries()) {
    const support = s.confusion[i]!.reduce((a, b) => a + b, 0);
    for (const [j, to] of SECTIONS.entries()) {
      const count = s.confusion[i]![j]!;
      if (i !== j && count > 0) pairs.push({ from, to, count, share: count / support });
    }
  }
  return pairs.sort((a, b) => b.count - a.count);
}
