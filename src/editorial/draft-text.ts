import { safeLine, stripUnsafeChars } from '../text/sanitize.ts';

// What editors type as a draft's headline and summary, made safe and bounded.

export const MAX_TITLE = 300;
export const MAX_SUMMARY = 2000;
const MAX_SUMMARY_LINES = 10;

/** A headline as an editor typed it → one safe line, or undefined when empty or too long. */
export function cleanTitle(input: string): string | undefined {
  const title = safeLine(input);
  return title === '' || title.length > MAX_TITLE ? undefined : title;
}

/** A summary as typed: one sentence (or more) per line → safe lines, or undefined. */
export function cleanSummary(input: string): string[] | undefined {
  const lines = stripUnsafeChars(input)
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');
  const total = lines.reduce((n, line) => n + line.length, 0);
  if (lines.length === 0 || lines.length > MAX_SUMMARY_LINES || total > MAX_SUMMARY) {
    return undefined;
  }
  return lines;
}
