import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../src/demo/telegram-html.ts';
import { runCliCaptured } from './support/cli.ts';
import { FIXTURE_PATH } from './support/corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'newsbot-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[], stdin?: Uint8Array) => runCliCaptured(args, { stdin });

const BOILERPLATE = [
  'تابع ميدل ايست نيوز',
  'مقالات ذات صلة',
  'اترك تعليقاً',
  'لن يتم نشر عنوان بريدك',
  'الحقول الإلزامية',
  'ثمانية عشر + سبعة',
  'زر الذهاب إلى الأعلى',
  'إرناإرنا',
  'ميدل ايست نيوز:',
];

describe('cli preview', () => {
  it('gives the fixture as JSON: headline, summary, source once, publisher, RTL html', async () => {
    const { code, stdout, stderr } = await cli(['preview', FIXTURE_PATH, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.title).toBe('إيران والعراق يعتزمان التوقيع على وثيقة دفاعية مشتركة');
    expect(out.source).toBe('إرنا');
    expect(out.publisher).toBe('ميدل ايست نيوز');
    expect(out.url).toBeNull();
    expect(out.summary.length).toBeGreaterThanOrEqual(2);
    expect(out.summary.length).toBeLessThanOrEqual(3);
    // The standfirst (second line of the file) opens the summary; every sentence is from the story.
    const fixture = readFileSync(FIXTURE_PATH, 'utf8');
    expect(out.summary[0]).toBe(fixture.split('\n')[2]);
    for (const s of out.summary) expect(fixture).toContain(s);
    for (const b of BOILERPLATE) expect(stdout).not.toContain(b);
    expect(out.html.split('إرنا').length - 1).toBe(1);
    for (const line of out.html.split('\n').filter(Boolean))
      expect(line.startsWith('\u200f')).toBe(true);
    const parsed = parseTelegramHtml(out.html);
    expect(parsed.text.length).toBe(out.length);
    expect(out.hashtags.length).toBeGreaterThan(0);
  });

  it('prints the exact html without --json, caption mode within 1024', async () => {
    const plain = await cli(['preview', FIXTURE_PATH]);
    const json = JSON.parse((await cli(['preview', FIXTURE_PATH, '--json'])).stdout);
    expect(plain.stdout).toBe(`${json.html}\n`);
    const caption = JSON.parse(
      (await cli(['preview', FIXTURE_PATH, '--json', '--caption'])).stdout,
    );
    expect(caption.length).toBeLessThanOrEqual(1024);
  });

  it('links the publisher to the canonical URL given with --url, tracking removed', async () => {
    const { stdout } = await cli([
      'preview',
      FIXTURE_PATH,
      '--json',
      '--url',
      'https://example.com/a?id=7&utm_source=x&fbclid=y',
      '--publisher',
      'موقع',
    ]);
    const out = JSON.parse(stdout);
    expect(out.url).toBe('https://example.com/a?id=7');
    expect(out.publisher).toBe('موقع');
    expect(out.html).toContain('<a href="https://example.com/a?id=7">');
  });

  it('reads stdin with -', async () => {
    const { code, stdout } = await cli(['summarize', '-'], readFileSync(FIXTURE_PATH));
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').length).toBeGreaterThanOrEqual(2);
  });
});

describe('cli summarize', () => {
  it('honours --sentences and --words', async () => {
    const one = await cli(['summarize', FIXTURE_PATH, '--sentences', '1']);
    expect(one.stdout.trim().split('\n')).toHaveLength(1);
    const four = await cli(['summarize', FIXTURE_PATH, '--sentences', '4']);
    expect(four.stdout.trim().split('\n')).toHaveLength(4);
    const words = await cli(['summarize', FIXTURE_PATH, '--words', '40']);
    expect(words.code).toBe(0);
    expect(words.stdout.trim().length).toBeGreaterThan(0);
  });

  it('refuses --sentences with --words, and bad numbers', async () => {
    expect((await cli(['summarize', FIXTURE_PATH, '--sentences', '2', '--words', '9'])).code).toBe(
      2,
    );
    const bad = await cli(['summarize', FIXTURE_PATH, '--sentences', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^newsbot: --sentences/);
  });
});

describe('cli bad input: one line, non-zero, no stack trace', () => {
  const cases: [string, () => string[]][] = [
    ['a missing file', () => ['preview', join(dir, 'nope.txt')]],
    ['a directory', () => ['preview', dir]],
    [
      'empty text',
      () => {
        writeFileSync(join(dir, 'empty.txt'), '   \n\n ');
        return ['preview', join(dir, 'empty.txt')];
      },
    ],
    [
      'binary junk',
      () => {
        const junk = Buffer.alloc(4096);
        for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) % 256;
        writeFileSync(join(dir, 'junk.bin'), junk);
        return ['summarize', join(dir, 'junk.bin')];
      },
    ],
    [
      'a 50 MB file',
      () => {
        writeFileSync(join(dir, 'big.txt'), Buffer.alloc(50 * 1024 * 1024, 0x61));
        return ['preview', join(dir, 'big.txt')];
      },
    ],
    ['no input', () => ['preview']],
    ['an unknown command', () => ['frobnicate']],
    ['an unknown option', () => ['preview', FIXTURE_PATH, '--bogus']],
  ];
  for (const [name, args] of cases) {
    it(name, async () => {
      const { code, stdout, stderr } = await cli(args());
      expect(code).not.toBe(0);
      expect(stdout).toBe('');
      expect(stderr.split('\n')[0]).toMatch(/^newsbot: \S/);
      expect(stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('runs as a process via npm run cli with the same one-line error', () => {
    const res = spawnSync(
      'npm',
      ['run', '--silent', 'cli', '--', 'preview', join(dir, 'nope.txt')],
      {
        encoding: 'utf8',
      },
    );
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/^newsbot: no such file/);
    const ok = execFileSync('npm', ['run', '--silent', 'cli', '--', 'preview', FIXTURE_PATH], {
      encoding: 'utf8',
    });
    expect(ok.startsWith('\u200f<b>')).toBe(true);
  });
});
