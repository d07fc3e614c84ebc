import { normalizeForMatch } from '../text/normalize.ts';
import { safeLine } from '../text/sanitize.ts';

const MAX_URL_LENGTH = 4096;

// Parameters that only say where a click came from; the same article under another campaign
// must get the same canonical URL (and so the same article id).
const TRACKING_PARAMS = new Set([
  'fbclid',
  'gclid',
  'gclsrc',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'mc_cid',
  'mc_eid',
  'igshid',
  'yclid',
  '_ga',
  '_gl',
  'ref_src',
  'ref_url',
  'ocid',
  'spm',
  'cmpid',
  's_cid',
  '_hsenc',
  '_hsmi',
  'mkt_tok',
  'twclid',
  'ttclid',
  'li_fat_id',
  'vero_id',
  'oly_enc_id',
  'oly_anon_id',
  'wickedid',
  'rb_clickid',
]);

/**
 * The URL an article is known by: http(s) only, host lower-cased, no credentials, no fragment,
 * no default port, tracking parameters removed (the others kept in order). undefined when the
 * input is not an http(s) URL.
 */
export function canonicalUrl(url: string): string | undefined {
  if (typeof url !== 'string') return undefined;
  const trimmed = url.trim();
  if (trimmed === '' || trimmed.length > MAX_URL_LENGTH) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (parsed.hostname === '') return undefined;
  // The URL parser already lower-cases the host and drops a default port.
  parsed.username = '';
  parsed.password = '';
  parsed.hash = '';
  const kept = [...parsed.searchParams].filter(([key]) => !isTrackingParam(key));
  parsed.search = '';
  for (const [key, value] of kept) parsed.searchParams.append(key, value);
  return parsed.toString();
}

function isTrackingParam(key: string): boolean {
  const lower = key.toLowerCase();
  return lower.startsWith('utm_') || TRACKING_PARAMS.has(lower);
}

export interface CreditInput {
  /** The publisher the producer configured (RawArticle.publisher): it wins. */
  rawPublisher?: string;
  /** og:site_name, readability's siteName, or the feed's title. */
  siteName?: string;
  /** Names from "المصدر" source lines, in order. */
  sourceNames?: string[];
  /** Names from "تابع X على ..." lines. */
  followUsNames?: string[];
  /** Names from datelines ("ميدل ايست نيوز:", "بيروت (رويترز) -"). */
  datelineNames?: string[];
}

export interface Credit {
  /** The original source the article credits ("إرنا"). */
  source?: string;
  /** The site or feed that published it. */
  publisher?: string;
}

/**
 * Who to credit. Publisher: the configured one, else the site name, else the follow-us name,
 * else the dateline name. Source: the source line, else a dateline naming someone other than
 * the publisher (an agency, as in "بيروت (رويترز) -"). A source equal to the publisher is dropped.
 */
export function pickCredit(input: CreditInput): Credit {
  const datelines = cleanNames(input.datelineNames);
  const publisher =
    cleanName(input.rawPublisher) ??
    cleanName(input.siteName) ??
    cleanNames(input.followUsNames)[0] ??
    datelines[0];
  const sameAsPublisher = (name: string): boolean =>
    publisher !== undefined && matchKey(name) === matchKey(publisher);
  const source =
    cleanNames(input.sourceNames).find((name) => !sameAsPublisher(name)) ??
    datelines.find((name) => !sameAsPublisher(name));
  const credit: Credit = {};
  if (source !== undefined) credit.source = source;
  if (publisher !== undefined) credit.publisher = publisher;
  return credit;
}

function matchKey(name: string): string {
  return normalizeForMatch(name).toLowerCase().replace(/\s+/g, ' ').trim();
}

function cleanName(name: string | undefined): string | undefined {
  if (typeof name !== 'string') return undefined;
  // Measured on what shows: a run of invisible characters must not push a real name out.
  const trimmed = safeLine(name);
  // A credit is a name, not a paragraph: anything longer came from a bad scrape.
  return trimmed === '' || trimmed.length > 120 ? undefined : trimmed;
}

function cleanNames(names: string[] | undefined): string[] {
  if (!Array.isArray(names)) return [];
  return names.map(cleanName).filter((name): name is string => name !== undefined);
}

// What follows a feed's or page's name in its title: a section, "home page", a slogan word.
const SECTION_WORDS = new Set(
  [
    'الرئيسية',
    'الرئيسيه',
    'الصفحة',
    'الصفحه',
    'صفحۂ',
    'اول',
    'أول',
    'الأولى',
    'الاولى',
    'أخبار',
    'اخبار',
    'الأخبار',
    'الاخبار',
    'آخر',
    'اخر',
    'عاجل',
    'العاجلة',
    'جميع',
    'كل',
    'سياسة',
    'السياسة',
    'اقتصاد',
    'الاقتصاد',
    'رياضة',
    'الرياضة',
    'ثقافة',
    'فن',
    'منوعات',
    'محليات',
    'دوليات',
    'عربي',
    'دولي',
    'العالم',
    'مقالات',
    'الرأي',
    'رأي',
    'تقارير',
    'فيديو',
    'صور',
    'خلاصات',
    'خلاصة',
    'موجز',
    'أهم',
    'home',
    'homepage',
    'front',
    'page',
    'latest',
    'news',
    'top',
    'stories',
    'headlines',
    'rss',
    'feed',
    'all',
    'world',
    'politics',
    'sport',
    'sports',
    'business',
    'opinion',
    'main',
    'breaking',
  ].map((w) => w.toLowerCase()),
);
const TITLE_SEPARATOR = /\s+(?:\||-|–|—|::|»|«|·|:)\s+/u;

/**
 * The publisher's name from a feed title: "BBC Arabic | الصفحة الرئيسية" → "BBC Arabic",
 * "آخر الأخبار - الجزيرة نت" → "الجزيرة نت". The part that is all section words goes; of the
 * rest, the part naming the site's host wins, else the shortest (a slogan is longer than a name).
 */
export function publisherFromFeedTitle(
  title: string | undefined,
  siteUrl?: string,
): string | undefined {
  const clean = cleanName(title);
  if (clean === undefined) return undefined;
  const parts = clean
    .split(TITLE_SEPARATOR)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length <= 1) return clean;
  const named = parts.filter((part) => !isSectionOnly(part));
  if (named.length === 0) return parts[0];
  if (named.length === 1) return named[0];
  const host = hostWords(siteUrl);
  const byHost = named.find((part) => host.some((h) => compact(part).includes(h)));
  if (byHost !== undefined) return byHost;
  return named.reduce((a, b) => (wordsOf(b) < wordsOf(a) ? b : a));
}

function isSectionOnly(part: string): boolean {
  const words = part
    .toLowerCase()
    .split(/[\s|,،]+/u)
    .filter(Boolean);
  return (
    words.length > 0 &&
    words.every((w) => SECTION_WORDS.has(w) || SECTION_WORDS.has(w.replace(/^و/u, '')))
  );
}

function wordsOf(text: string): number {
  return text.split(/\s+/).length;
}

function compact(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** "https://www.bbc.com/arabic" → ["bbc"]; "feeds.bbcurdu.com" → ["bbcurdu"]. */
function hostWords(url: string | undefined): string[] {
  if (typeof url !== 'string') return [];
  try {
    const labels = new URL(url).hostname.toLowerCase().split('.');
    const name = labels.length >= 2 ? labels[labels.length - 2]! : labels[0]!;
    return name.length >= 3 ? [name] : [];
  } catch {
    return [];
  }
}

/** The site's host without "www." ("www.masrawy.com" → "masrawy.com"): a credit of last resort. */
export function publisherFromHost(url: string | undefined): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const host = new URL(url).hostname.toLowerCase().replace(/^www\./, '');
    return host.includes('.') && !/^[\d.]+$/.test(host) ? host : undefined;
  } catch {
    return undefined;
  }
}
