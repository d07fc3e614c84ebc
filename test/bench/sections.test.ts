import { describe, expect, it } from 'vitest';
import { keywordBaseline, majorityBaseline } from '../../bench/sections/baselines.ts';
import {
  dedupeKey,
  type LabelledDoc,
  loadAnt,
  splitDocs,
  TEST_PERCENT,
} from '../../bench/sections/data.ts';
import { score, trainSectionModel } from '../../bench/sections/model.ts';
import { sectionClassifier } from '../../src/article/section.ts';

// One read of ANT (~10k files) for the whole file.
const docs = loadAnt();
const split = splitDocs(docs);

const files = (list: LabelledDoc[]) => list.map((d) => d.file).sort();

describe('the ANT split', () => {
  it('covers every document once, about 80/20, with every section on both sides', () => {
    expect(docs.length).toBeGreaterThan(10_000);
    expect(split.train.length + split.test.length).toBe(docs.length);
    expect(new Set([...files(split.train), ...files(split.test)]).size).toBe(docs.length);
    const share = (100 * split.test.length) / docs.length;
    expect(share).toBeGreaterThan(TEST_PERCENT - 3);
    expect(share).toBeLessThan(TEST_PERCENT + 3);
    for (const side of [split.train, split.test]) {
      expect(new Set(side.map((d) => d.section)).size).toBe(9);
    }
  });

  it('is deterministic and does not depend on reading order', () => {
    const again = splitDocs([...docs].reverse());
    expect(files(again.test)).toEqual(files(split.test));
    expect(files(again.train)).toEqual(files(split.train));
  });

  it('keeps identical texts and identical titles on one side', () => {
    const side = new Map<string, 'train' | 'test'>();
    let shared = 0;
    for (const [name, list] of [
      ['train', split.train],
      ['test', split.test],
    ] as const) {
      for (const d of list) {
        for (const key of [`b:${dedupeKey(d.body)}`, `t:${dedupeKey(d.title)}`]) {
          if (key.length <= 2) continue;
          const seen = side.get(key);
          if (seen === undefined) side.set(key, name);
          else {
            shared++;
            expect(seen, `${d.file} ${key.slice(0, 60)}`).toBe(name);
          }
        }
      }
    }
    // ANT has a few hundred copies: the check above really ran on them.
    expect(shared).toBeGreaterThan(300);
  });
});

describe('the committed model on held-out documents', () => {
  // Every 4th held-out document: ~500, enough to compare, quick enough for CI.
  const sample = split.test.filter((_, i) => i % 4 === 0);
  const truth = sample.map((d) => d.section);
  const classifier = sectionClassifier();
  const majority = majorityBaseline(split.train);
  const keywords = keywordBaseline(majority());
  const model = score(
    truth,
    sample.map((d) => classifier.classify(d.title, [d.body])),
  );
  const byMajority = score(
    truth,
    sample.map(() => majority()),
  );
  const byKeywords = score(
    truth,
    sample.map((d) => keywords(d.title, d.body)),
  );

  it('beats the majority-class and the keyword baselines on accuracy and macro-F1', () => {
    expect(majority()).toBe('local');
    expect(model.accuracy).toBeGreaterThan(byMajority.accuracy + 0.2);
    expect(model.accuracy).toBeGreaterThan(byKeywords.accuracy + 0.2);
    expect(model.macroF1).toBeGreaterThan(byKeywords.macroF1 + 0.15);
    expect(model.macroF1).toBeGreaterThan(byMajority.macroF1 + 0.5);
    // What the committed model reaches on the full held-out 20% is 0.74 (bench:sections).
    expect(model.macroF1).toBeGreaterThan(0.65);
  });

  it('is nearly perfect on sport, the most distinct section', () => {
    expect(model.f1.sport).toBeGreaterThan(0.9);
  });
});

describe('training', () => {
  it('is reproducible: the same documents and options give the same model', () => {
    const few = split.train.filter((_, i) => i % 20 === 0);
    const options = { epochs: 2, maxTerms: 300 };
    const a = trainSectionModel(few, options);
    const b = trainSectionModel(few, options);
    expect(Object.keys(a.weights)).toHaveLength(300);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
