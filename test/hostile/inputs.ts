import { readFileSync } from 'node:fs';
import { FIXTURE_PATH } from '../support/corpus.ts';

// Hostile inputs shared by the suite. Sizes are the attacks' own (the issue's repro), not
// shrunk: the point is that they cost a bounded, small amount.

export const RECEIVED = '2024-01-05T10:00:00.000Z';

/** The repro: 200,000 nested <div> (2.2 MB), ~2 minutes on the event loop before. */
export function deepPage(levels = 200_000): string {
  return `<html><head><title>D</title></head><body>${'<div>'.repeat(levels)}<p>نص.</p>${'</div>'.repeat(levels)}</body></html>`;
}

/**
 * Passes every structural guard but costs minutes: one paragraph of 30,000 sentences (3.3 MB) (the
 * summarizer's sentence graph grows with their square). Only a time budget stops it.
 */
export function sentenceBomb(sentences = 30_000): string {
  const body = 'قال الوزير إن الاجتماع سيعقد في العاصمة لبحث الملفات العالقة. '.repeat(sentences);
  return `<html><head><title>اجتماع طويل جدا في العاصمة</title></head><body><article><p>${body}</p></article></body></html>`;
}

/** Many flat elements under the element limit: memory-hungry for linkedom. */
export function widePage(elements = 55_000): string {
  return `<html><head><title>صفحة عريضة جدا</title></head><body>${'<div>نص قصير في الصفحة.</div>'.repeat(elements)}</body></html>`;
}

/** The project's scraped news text: a normal article (plain text, headline first). */
export const NORMAL_TEXT = readFileSync(FIXTURE_PATH, 'utf8');

/** A normal news page in HTML. */
export function normalPage(
  title = 'إيران والعراق يعتزمان التوقيع على وثيقة دفاعية مشتركة',
): string {
  const paragraphs = NORMAL_TEXT.split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => `<p>${line}</p>`)
    .join('\n');
  return `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>${title}</title></head><body><main><article><h1>${title}</h1>${paragraphs}</article></main></body></html>`;
}
