// Trains the section classifier on ANT's training 80% and writes src/article/sections-model.json.
// Run: npm run train:sections [-- --max-terms 5000 --epochs 10 --balance 0.8]
// Deterministic: the same corpus and options give the same file, byte for byte.
import { statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createSectionClassifier, type SectionModel } from '../../src/article/section.ts';
import { loadAnt, splitDocs } from './data.ts';
import { score, TRAIN_DEFAULTS, trainSectionModel } from './model.ts';

export const MODEL_PATH = fileURLToPath(
  new URL('../../src/article/sections-model.json', import.meta.url),
);

const { values } = parseArgs({
  options: {
    'max-terms': { type: 'string' },
    epochs: { type: 'string' },
    balance: { type: 'string' },
    out: { type: 'string', default: MODEL_PATH },
  },
});
const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));

const started = Date.now();
const { train, test } = splitDocs(loadAnt());
const model = trainSectionModel(train, {
  maxTerms: num(values['max-terms'], TRAIN_DEFAULTS.maxTerms),
  epochs: num(values.epochs, TRAIN_DEFAULTS.epochs),
  balance: num(values.balance, TRAIN_DEFAULTS.balance),
});
writeFileSync(values.out, modelJson(model));
const classifier = createSectionClassifier(model);
const s = score(
  test.map((d) => d.section),
  test.map((d) => classifier.classify(d.title, [d.body])),
);
console.log(
  `trained on ${train.length} documents in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
    `${Object.keys(model.weights).length} terms, ${(statSync(values.out).size / 1024).toFixed(0)} KiB → ${values.out}`,
);
console.log(
  `held-out ${test.length}: accuracy ${s.accuracy.toFixed(3)}, macro-F1 ${s.macroF1.toFixed(3)}`,
);

/** The model as Biome formats JSON (so `npm run lint` passes), one term per line for readable diffs. */
function modelJson(m: SectionModel): string {
  const row = (r: number[]) => `[${r.join(', ')}]`;
  const indent = (json: string) => json.replaceAll('\n', '\n  ');
  const weights = Object.entries(m.weights).map(([t, r]) => `    ${JSON.stringify(t)}: ${row(r)}`);
  return [
    '{',
    `  "version": ${m.version},`,
    `  "sections": ${indent(JSON.stringify(m.sections, null, 2))},`,
    `  "scale": ${m.scale},`,
    `  "bias": ${row(m.bias)},`,
    `  "trainedOn": ${indent(JSON.stringify(m.trainedOn, null, 2))},`,
    '  "weights": {',
    weights.join(',\n'),
    '  }',
    '}',
    '',
  ].join('\n');
}
