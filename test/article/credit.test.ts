import { describe, expect, it } from 'vitest';
import { canonicalUrl, pickCredit } from '../../src/article/credit.ts';

describe('canonicalUrl', () => {
  it.each([
    ['https://example.com/a', 'https://example.com/a'],
    ['HTTPS://WWW.Example.COM/News/A', 'https://www.example.com/News/A'],
    ['https://example.com:443/a', 'https://example.com/a'],
    ['http://example.com:80/a', 'http://example.com/a'],
    ['http://example.com:8080/a', 'http://example.com:8080/a'],
    ['https://example.com/a#comments', 'https://example.com/a'],
    [
      'https://example.com/a?utm_source=tw&utm_medium=social&UTM_Campaign=x',
      'https://example.com/a',
    ],
    ['https://example.com/a?id=5&utm_source=tw&page=2', 'https://example.com/a?id=5&page=2'],
    ['https://example.com/a?fbclid=IwAR0&gclid=1&dclid=2&msclkid=3', 'https://example.com/a'],
    ['https://example.com/a?mc_cid=1&mc_eid=2&igshid=3&yclid=4', 'https://example.com/a'],
    ['https://example.com/a?_ga=1&_gl=2&ref_src=twsrc&ocid=3&spm=4', 'https://example.com/a'],
    ['https://example.com/a?cmpid=1&s_cid=2&b=2&a=1', 'https://example.com/a?b=2&a=1'],
    ['https://example.com/a?ref=home', 'https://example.com/a?ref=home'],
    ['https://user:pass@example.com/a', 'https://example.com/a'],
    ['  https://example.com/a  ', 'https://example.com/a'],
    ['https://example.com', 'https://example.com/'],
    ['https://xn--mgbh0fb.com/خبر', 'https://xn--mgbh0fb.com/%D8%AE%D8%A8%D8%B1'],
    ['https://مثال.com/a', 'https://xn--mgbh0fb.com/a'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalUrl(input)).toBe(expected);
  });

  it.each([
    'javascript:alert(1)',
    'ftp://example.com/file',
    'data:text/html,<p>x</p>',
    'file:///etc/passwd',
    'mailto:a@example.com',
    '/relative/path',
    'not a url',
    '',
    `https://example.com/${'a'.repeat(5000)}`,
  ])('rejects %j', (input) => {
    expect(canonicalUrl(input)).toBeUndefined();
  });

  it('survives a non-string', () => {
    const notUrl: unknown = 42;
    expect(canonicalUrl(notUrl as string)).toBeUndefined();
  });
});

describe('pickCredit', () => {
  it('the fixture case: source line and follow-us name', () => {
    expect(
      pickCredit({
        sourceNames: ['إرنا'],
        followUsNames: ['ميدل ايست نيوز'],
        datelineNames: ['ميدل ايست نيوز'],
      }),
    ).toEqual({ source: 'إرنا', publisher: 'ميدل ايست نيوز' });
  });

  it('publisher: explicit, then site name, then follow-us, then dateline', () => {
    const all = {
      rawPublisher: 'الناشر',
      siteName: 'الموقع',
      followUsNames: ['المتابعة'],
      datelineNames: ['التاريخ'],
    };
    expect(pickCredit(all).publisher).toBe('الناشر');
    expect(pickCredit({ ...all, rawPublisher: undefined }).publisher).toBe('الموقع');
    expect(pickCredit({ ...all, rawPublisher: '  ', siteName: undefined }).publisher).toBe(
      'المتابعة',
    );
    expect(pickCredit({ datelineNames: ['التاريخ'] }).publisher).toBe('التاريخ');
    expect(pickCredit({})).toEqual({});
  });

  it('drops a source equal to the publisher, comparing matching forms', () => {
    expect(pickCredit({ rawPublisher: 'وكالة إرنا', sourceNames: ['وكالة ارنا'] })).toEqual({
      publisher: 'وكالة إرنا',
    });
    expect(pickCredit({ siteName: 'الجزيرة', sourceNames: ['الجزیرة'] })).toEqual({
      publisher: 'الجزيرة',
    });
  });

  it('an agency dateline is the source when there is no source line', () => {
    expect(pickCredit({ siteName: 'أخبار المشرق', datelineNames: ['رويترز'] })).toEqual({
      source: 'رويترز',
      publisher: 'أخبار المشرق',
    });
    // The site's own dateline is not a source.
    expect(pickCredit({ siteName: 'ميدل ايست نيوز', datelineNames: ['ميدل ايست نيوز'] })).toEqual({
      publisher: 'ميدل ايست نيوز',
    });
  });

  it('the source line wins over a dateline', () => {
    expect(
      pickCredit({ siteName: 'الموقع', sourceNames: ['إرنا'], datelineNames: ['رويترز'] }).source,
    ).toBe('إرنا');
  });

  it('ignores absurd names from bad scrapes', () => {
    expect(pickCredit({ siteName: 'ب'.repeat(500), followUsNames: ['الموقع'] }).publisher).toBe(
      'الموقع',
    );
  });
});
