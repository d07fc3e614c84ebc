import { normalizeForMatch } from '../text/normalize.ts';

export interface Cleaned {
  /** Story paragraphs, boilerplate, datelines and the source line removed. */
  paragraphs: string[];
  /** Names from source lines ("المصدر" then "إرناإرنا" → "إرنا"), de-doubled. */
  sourceNames: string[];
  /** Names from follow-us lines ("تابع ميدل ايست نيوز على التلغرام" → "ميدل ايست نيوز"). */
  followUsNames: string[];
  /** Names from datelines ("طهران - إرنا:" → "إرنا", "(أ ف ب) -" → "أ ف ب"). */
  datelineNames: string[];
}

export interface CleanOptions {
  /** Names known to be the publisher or source (site name, feed title): "NAME:" at a paragraph start is a dateline. */
  knownNames?: string[];
}

type Kind =
  | 'story'
  | 'follow'
  | 'source'
  | 'related'
  | 'comment'
  | 'captcha'
  | 'top'
  | 'share'
  | 'byline'
  | 'chrome';

interface Line {
  para: number;
  first: boolean;
  text: string;
  key: string;
  kind: Kind;
}

/** The matching form of a line: normalised, lower case, punctuation gone, spaces collapsed. */
function keyOf(text: string): string {
  return normalizeForMatch(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const keys = (phrases: string[]): Set<string> => new Set(phrases.map(keyOf));

const RELATED_HEADINGS = keys([
  'مقالات ذات صلة',
  'أخبار ذات صلة',
  'مواضيع ذات صلة',
  'موضوعات ذات صلة',
  'ذات صلة',
  'اقرأ أيضاً',
  'اقرأ أيضا',
  'إقرأ أيضا',
  'اقرأ كذلك',
  'اقرأ المزيد',
  'المزيد من الأخبار',
  'قد يهمك',
  'قد يهمك أيضاً',
  'قد يعجبك أيضاً',
  'شاهد أيضاً',
  'related',
  'related articles',
  'related posts',
  'read more',
  'read also',
  'see also',
  'you may also like',
]);
// "اقرأ أيضا: <another headline>" is a link to another story, whatever follows.
const RELATED_PREFIXES = [...keys(['اقرأ أيضاً', 'إقرأ أيضا', 'اقرأ كذلك', 'شاهد أيضاً'])];

const COMMENT_PREFIXES = [
  ...keys([
    'اترك تعليقاً',
    'اترك رداً',
    'أضف تعليق',
    'أضف تعليقاً',
    'لن يتم نشر عنوان بريدك الإلكتروني',
    'الحقول الإلزامية مشار إليها',
    'الحقول المطلوبة',
    'احفظ اسمي',
    'أرسل التعليق',
    'إرسال التعليق',
    'leave a reply',
    'leave a comment',
    'your email address will not be published',
    'required fields are marked',
    'save my name',
    'post comment',
    'ترحب شبكة',
    'الآراء الواردة أدناه',
    'الآراء الواردة في التعليقات',
    'التعليقات المنشورة لا تعبر',
  ]),
];

// Weekdays, months (Gregorian, Levantine, Maghrebi) and the words of a "published / updated" stamp.
const DATE_WORDS = keys([
  'الأحد',
  'الاثنين',
  'الإثنين',
  'الثلاثاء',
  'الأربعاء',
  'الخميس',
  'الجمعة',
  'السبت',
  'يناير',
  'فبراير',
  'مارس',
  'أبريل',
  'ابريل',
  'مايو',
  'ماي',
  'يونيو',
  'يوليو',
  'أغسطس',
  'اغسطس',
  'سبتمبر',
  'أكتوبر',
  'نوفمبر',
  'ديسمبر',
  'جانفي',
  'فيفري',
  'أفريل',
  'جوان',
  'جويلية',
  'أوت',
  'كانون',
  'الثاني',
  'الأول',
  'شباط',
  'آذار',
  'نيسان',
  'أيار',
  'حزيران',
  'تموز',
  'آب',
  'أيلول',
  'تشرين',
  'آخر',
  'اخر',
  'تحديث',
  'التحديث',
  'نشر',
  'في',
  'بتاريخ',
  'تاريخ',
  'النشر',
  'منذ',
  'ساعة',
  'ساعات',
  'دقيقة',
  'دقائق',
  'ص',
  'م',
  'صباحا',
  'مساء',
  'مساءً',
  'صباحاً',
  'بتوقيت',
  'gmt',
  'utc',
  'am',
  'pm',
  'updated',
  'published',
  'last',
  'update',
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
]);
// Who wrote, interviewed, photographed or translated: a byline, not story text.
const BYLINE =
  /^\s*(?:حوار|كتب|كتبت|بقلم|إعداد|اعداد|تصوير|مراسل|مراسلة|تقرير|متابعة|ترجمة|تحرير|إشراف|اشراف|by|written by|reporting by)\s*[:：\-–—]?\s*(\S.*)$/iu;
const BYLINE_NO_COLON = /^\s*(?:بقلم|by)\s/iu;
// Image captions and photo credits.
const CAPTION =
  /^\s*[([]?\s*(?:صورة|الصورة|صور|مصدر الصورة|حقوق الصورة|صورة أرشيفية|صورة ارشيفية|أرشيفية|photo|image|credit|getty images)\s*(?:[:：\-–—)\]]|$)/iu;
const CHROME_PREFIXES = [
  ...keys([
    'اشترك في النشرة',
    'اشترك في نشرتنا',
    'اشترك في قناتنا',
    'اشترك الآن',
    'اشترك مجانا',
    'سجل في النشرة',
    'النشرة البريدية',
    'النشرة الإخبارية',
    'أدخل بريدك الإلكتروني',
    'ادخل بريدك الالكتروني',
    'للاشتراك في',
    'subscribe to',
    'sign up for',
    'newsletter',
    'طالع أيضا',
    'طالع أيضاً',
    'تابع القراءة',
    'scroll to continue',
    'view this post on instagram',
    'a post shared by',
    'عرض هذا المنشور على',
  ]),
];
const COPYRIGHT_LINE =
  /(?:©|\(c\)\s*\d{4}|copyright|حقوق\s+(?:الطبع|النشر|الطبع والنشر)\s+محفوظة|جميع\s+الحقوق\s+محفوظة|all rights reserved)/iu;
const COOKIE_LINE = /(?:ملفات تعريف الارتباط|الكوكيز|كوكيز|cookies?\b)/iu;
const EMBED_LINE = /(?:pic\.twitter\.com\/|—\s*[^—]{1,60}\(@\w{1,30}\)|\bt\.co\/\w+$)/u;
const WORDPRESS_FOOTER =
  /^(?:the post .+ appeared first on .+|ظهرت المقالة .+ (?:أولا|أولاً|اولا) على .+)$/iu;
const COMMENT_LINES = keys([
  'التعليقات',
  'تعليقات',
  'تعليق',
  'التعليق',
  'الاسم',
  'البريد الإلكتروني',
  'الموقع الإلكتروني',
  'comments',
  'comment',
  'name',
  'email',
  'website',
]);

const BACK_TO_TOP = keys([
  'زر الذهاب إلى الأعلى',
  'الذهاب إلى الأعلى',
  'العودة إلى الأعلى',
  'العودة للأعلى',
  'الرجوع إلى الأعلى',
  'إلى الأعلى',
  'للأعلى',
  'back to top',
  'scroll to top',
  'go to top',
]);

// Ad slots and tag lists: page furniture between and after story paragraphs.
const AD_LABELS = keys([
  'إعلان',
  'اعلان',
  'إعلانات',
  'مساحة إعلانية',
  'محتوى مدعوم',
  'advertisement',
  'ad',
  'sponsored',
]);
const TAG_PREFIXES = [...keys(['الوسوم', 'وسوم', 'الكلمات المفتاحية', 'كلمات مفتاحية', 'tags'])];

// Words a share-button row is made of; a line of nothing else is buttons, not story.
const SHARE_CORE = keys([
  'شارك',
  'شاركها',
  'مشاركة',
  'share',
  'tweet',
  'طباعة',
  'print',
  'واتساب',
  'whatsapp',
  'فيسبوك',
  'facebook',
  'تويتر',
  'twitter',
  'تلغرام',
  'تلجرام',
  'تليجرام',
  'telegram',
  'لينكدإن',
  'linkedin',
  'pinterest',
  'reddit',
  'messenger',
  'ماسنجر',
  'email',
]);
const SHARE_FILLER = keys([
  'على',
  'عبر',
  'هذا',
  'الخبر',
  'المقال',
  'الرابط',
  'نسخ',
  'copy',
  'link',
  'on',
  'this',
  'via',
  'فيس',
  'بوك',
  'واتس',
  'اب',
  'لينكد',
  'إن',
  'x',
  'البريد',
  'الإلكتروني',
  'بريد',
  'إلكتروني',
]);

const FOLLOW_VERBS = keys([
  'تابع',
  'تابعوا',
  'تابعونا',
  'تابعنا',
  'اتبعنا',
  'انضم',
  'انضموا',
  'اشترك',
  'اشتركوا',
  'follow',
]);
const PLATFORMS = keys([
  'تلغرام',
  'التلغرام',
  'تلجرام',
  'التلجرام',
  'تليجرام',
  'التليجرام',
  'تيليجرام',
  'telegram',
  'فيسبوك',
  'فيس',
  'facebook',
  'تويتر',
  'twitter',
  'انستغرام',
  'انستجرام',
  'إنستغرام',
  'instagram',
  'يوتيوب',
  'youtube',
  'واتساب',
  'whatsapp',
  'تيك',
  'tiktok',
  'نبض',
  'google',
  'جوجل',
  'غوغل',
  'قناتنا',
  'صفحتنا',
  'حسابنا',
  'التواصل',
]);

const ON_WORDS = keys(['على', 'عبر', 'في', 'on']);

const SOURCE_WORDS = keys(['المصدر', 'مصدر الخبر', 'source']);

// Verbs and particles that open a reported-speech sentence, never a dateline.
const SPEECH_STARTS = keys([
  'قال',
  'قالت',
  'أكد',
  'أكدت',
  'أضاف',
  'أضافت',
  'أعلن',
  'أعلنت',
  'ذكر',
  'ذكرت',
  'أفاد',
  'أفادت',
  'أوضح',
  'أوضحت',
  'كتب',
  'كتبت',
  'نقل',
  'نقلت',
  'صرح',
  'صرحت',
  'تابع',
  'أشار',
  'أشارت',
  'في',
  'من',
  'على',
  'إلى',
  'عن',
  'خلال',
  'عبر',
]);
const OUTLET_WORDS = keys([
  'نيوز',
  'news',
  'وكالة',
  'رويترز',
  'فرانس',
  'الأناضول',
  'سبوتنيك',
  'إرنا',
  'واس',
  'وام',
  'قنا',
  'كونا',
  'سانا',
  'بترا',
  'شينخوا',
  'تسنيم',
  'فارس',
]);
// Dateline words that are not a name to credit ("القاهرة - خاص:").
const NOT_A_NAME = keys(['خاص', 'حصري', 'حصريا', 'متابعات', 'وكالات', 'مراسلنا', 'عاجل']);

const SENTENCE_END = /[.!?؟…»"”)]$/u;
const SPACES = /[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+/g;
const TAIL_WORDS = 12;
const RELATED_HEADLINE_WORDS = 20;

/**
 * Removes site boilerplate, datelines and the source line from scraped paragraphs and returns the
 * names they carried, for the credit line. A line that is only boilerplate goes; a story sentence
 * that merely mentions Telegram or starts with "تابع" stays.
 */
export function cleanParagraphs(paragraphs: string[], opts: CleanOptions = {}): Cleaned {
  const sourceNames: string[] = [];
  const followUsNames: string[] = [];
  const datelineNames: string[] = [];
  const lines = splitLines(Array.isArray(paragraphs) ? paragraphs : []);

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    line.kind = classify(line);
    if (line.kind === 'follow') {
      const name = followUsName(line.text);
      if (name) followUsNames.push(name);
    } else if (line.kind === 'source') {
      const inline = sourceNameInline(line.text);
      const next = lines[i + 1];
      if (inline) {
        sourceNames.push(inline);
      } else if (next && wordCount(next.key) <= 5 && classify(next) === 'story') {
        // "المصدر" on its own line, the name on the next one.
        next.kind = 'source';
        sourceNames.push(dedouble(next.text));
        i++;
      }
    } else if (line.kind === 'related') {
      // The headlines listed under a "related" heading are other stories.
      for (let j = i + 1; j < lines.length && j <= i + 12; j++) {
        const next = lines[j]!;
        const kind = classify(next);
        if (kind !== 'story') break;
        if (wordCount(next.key) > RELATED_HEADLINE_WORDS || SENTENCE_END.test(next.text)) break;
        next.kind = 'related';
        i = j;
      }
    }
  }
  dropBoilerplateTail(lines);
  dropStandfirstBeforeByline(lines);

  const known = new Set(
    [...(opts.knownNames ?? []), ...followUsNames, ...sourceNames]
      .filter((name) => typeof name === 'string')
      .map(keyOf)
      .filter((key) => key !== ''),
  );
  let leadSeen = false;
  for (const line of lines) {
    if (line.kind !== 'story' || !line.first) continue;
    const dateline = matchDateline(line.text, known, !leadSeen);
    leadSeen = true;
    if (!dateline) continue;
    line.text = line.text.slice(dateline.length).trim();
    if (dateline.name) datelineNames.push(dateline.name);
  }

  const out: string[] = [];
  let current: string[] = [];
  let para = -1;
  for (const line of lines) {
    if (line.kind !== 'story' || line.text === '') continue;
    if (line.para !== para && current.length > 0) {
      out.push(current.join('\n'));
      current = [];
    }
    para = line.para;
    current.push(line.text);
  }
  if (current.length > 0) out.push(current.join('\n'));

  return {
    paragraphs: out,
    sourceNames: unique(sourceNames),
    followUsNames: unique(followUsNames),
    datelineNames: unique(datelineNames),
  };
}

function splitLines(paragraphs: string[]): Line[] {
  const lines: Line[] = [];
  paragraphs.forEach((paragraph, para) => {
    if (typeof paragraph !== 'string') return;
    let first = true;
    for (const raw of paragraph.split(/\r\n|[\r\n\u2028\u2029]/)) {
      const text = raw.replace(SPACES, ' ').trim();
      if (text === '') continue;
      lines.push({ para, first, text, key: keyOf(text), kind: 'story' });
      first = false;
    }
  });
  return lines;
}

function classify(line: Line): Kind {
  const { key, text } = line;
  if (key === '') return 'share';
  const words = key.split(' ');
  if (RELATED_HEADINGS.has(key) || RELATED_PREFIXES.some((p) => startsWithWords(key, p))) {
    return 'related';
  }
  if (COMMENT_LINES.has(key) || COMMENT_PREFIXES.some((p) => startsWithWords(key, p))) {
    return 'comment';
  }
  if (BACK_TO_TOP.has(key)) return 'top';
  if (AD_LABELS.has(key)) return 'chrome';
  if (isTimestamp(words, text)) return 'chrome';
  if (
    words.length <= 8 &&
    (BYLINE.test(text) || (BYLINE_NO_COLON.test(text) && words.length <= 5))
  ) {
    // "كتب" opens reported speech too: a byline has a colon or is a bare name of a few words.
    if (/[:：\-–—]/.test(text.slice(0, 16)) || words.length <= 4) return 'byline';
  }
  if (words.length <= 12 && CAPTION.test(text)) return 'chrome';
  if (words.length <= 25 && CHROME_PREFIXES.some((p) => startsWithWords(key, p))) return 'chrome';
  if (words.length <= 30 && (COPYRIGHT_LINE.test(text) || COOKIE_LINE.test(text))) {
    // A story may discuss cookies or copyright law; a notice is short and has no sentence of news.
    if (COPYRIGHT_LINE.test(text) || /موافق|أوافق|accept|ok\b|سياسة/iu.test(text)) return 'chrome';
  }
  if (words.length <= 60 && EMBED_LINE.test(text)) return 'chrome';
  if (WORDPRESS_FOOTER.test(text)) return 'chrome';
  if (
    words.length <= 12 &&
    /^[^.!?؟]*:/u.test(text) &&
    TAG_PREFIXES.some((p) => startsWithWords(key, p))
  ) {
    return 'chrome';
  }
  if (isCaptcha(text)) return 'captcha';
  if (SOURCE_WORDS.has(key) || sourceNameInline(text)) return 'source';
  if (
    words.every((w) => SHARE_CORE.has(w) || SHARE_FILLER.has(w) || /^\d+$/.test(w)) &&
    words.some((w) => SHARE_CORE.has(w))
  ) {
    return 'share';
  }
  if (isFollowUs(words)) return 'follow';
  return 'story';
}

/** A line of a date, a time and stamp words only ("الأحد، 04 آب/اغسطس 2013، آخر تحديث 02:21 (GMT+0400)"). */
function isTimestamp(words: string[], text: string): boolean {
  // "الأربعاء 15 مارس :" heads a list of fixtures: it is story text.
  if (words.length > 20 || !words.some((w) => /\d/.test(w)) || /:\s*$/.test(text)) return false;
  return words.every((w) => /^\d+$/.test(w) || DATE_WORDS.has(w) || /^(?:gmt|utc)\d*$/.test(w));
}

/** "تابع X على التلغرام", "تابعونا على فيسبوك وتويتر": a short line, a follow verb, a platform. */
function isFollowUs(words: string[]): boolean {
  if (words.length > 10 || !FOLLOW_VERBS.has(words[0] ?? '')) return false;
  const on = words.findIndex((w, i) => i > 0 && ON_WORDS.has(w));
  const tail = on === -1 ? words.slice(1) : words.slice(on + 1);
  return tail.some((w) => PLATFORMS.has(w) || PLATFORMS.has(w.replace(/^و/, '')));
}

function followUsName(text: string): string | undefined {
  const match = /^\s*(?:تابع|تابعوا|follow)\s+(.+?)\s+(?:على|علي|عبر|on)\s/iu.exec(text);
  const name = match?.[1]?.trim();
  return name && wordCount(name) <= 5 ? dedouble(name) : undefined;
}

/** "المصدر: إرنا" on one line (a colon or dash is required: "المصدر أكد..." is a sentence). */
function sourceNameInline(text: string): string | undefined {
  const match = /^\s*(?:المصدر|مصدر الخبر|source)\s*[:：\-–—]\s*(.+)$/iu.exec(text);
  const name = match?.[1]?.trim();
  return name && wordCount(name) <= 5 ? dedouble(name) : undefined;
}

/** Captcha sums written out: "ثمانية عشر + سبعة =", "3 + 4 = ?". */
function isCaptcha(text: string): boolean {
  return /^[\p{L}\p{N}\s]{1,40}[+\-−×*]\s*[\p{L}\p{N}\s]{1,40}=\s*[\p{N}?؟*]{0,4}$/u.test(text);
}

/** After the last story paragraph, short lines among boilerplate markers are boilerplate too. */
function dropBoilerplateTail(lines: Line[]): void {
  let start = lines.length;
  let marker = false;
  while (start > 0) {
    const line = lines[start - 1]!;
    if (line.kind !== 'story') marker = true;
    else if (wordCount(line.key) > TAIL_WORDS || SENTENCE_END.test(line.text)) break;
    start--;
  }
  if (!marker) return;
  for (let i = start; i < lines.length; i++) {
    if (lines[i]!.kind === 'story') lines[i]!.kind = 'related';
  }
}

const STANDFIRST_PARAGRAPHS = 3;

/**
 * A byline among the first paragraphs separates the page's standfirst (kicker, highlights) from
 * the story: what comes before it is the headline's company, not the lead (Assabah's interviews).
 */
function dropStandfirstBeforeByline(lines: Line[]): void {
  const byline = lines.findIndex((line) => line.kind === 'byline');
  if (byline <= 0 || lines[byline]!.para >= STANDFIRST_PARAGRAPHS) return;
  const after = lines.slice(byline + 1).some((line) => line.kind === 'story');
  if (!after) return;
  for (let i = 0; i < byline; i++) if (lines[i]!.kind === 'story') lines[i]!.kind = 'chrome';
}

interface Dateline {
  /** How many characters of the paragraph it takes (separator and spaces included). */
  length: number;
  name?: string;
}

/** A dateline at the start of a paragraph: "(أ ف ب) -", "بيروت (رويترز) -", "طهران - إرنا:", "NAME:". */
function matchDateline(text: string, known: Set<string>, lead: boolean): Dateline | undefined {
  const paren = /^\s*(?:([^()\n:؛.!?؟]{1,40}?)\s*)?\(([^()\n]{1,30})\)\s*(?:--|[-–—:])\s*/u.exec(
    text,
  );
  // An agency in brackets has no digits: "(75 عاما) -" is an aside, not a credit.
  if (paren && !/\p{N}/u.test(paren[2]!) && (paren[1] === undefined || isPlace(paren[1]))) {
    return withName(paren[0].length, paren[2]!);
  }
  const dashed =
    /^\s*([^\n:()\-–—.،؛!?؟]{1,30}?)\s*[-–—]\s*([^\n:()\-–—.،؛!?؟]{1,30}?)\s*:\s*/u.exec(text);
  if (dashed && isPlace(dashed[1]!) && isPlace(dashed[2]!)) {
    return withName(dashed[0].length, dashed[2]!);
  }
  // "عمان - الرأي - دعا ...", "عمان- الرأي- ": city, dash, outlet, dash; only before the lead
  // (a score line "فريق - فريق 3 - 1" or a list "تقني- تقني أول -" further down is story text).
  const twice = !lead
    ? null
    : /^\s*([^\n:()\-–—.،؛!?؟]{1,25}?)\s*[-–—]\s*([^\n:()\-–—.،؛!?؟]{1,25}?)\s*[-–—]\s*/u.exec(
        text,
      );
  if (
    twice &&
    wordCount(text.slice(twice[0].length)) >= 4 &&
    !/\p{N}/u.test(twice[0]) &&
    wordCount(keyOf(twice[1]!)) <= 2 &&
    wordCount(keyOf(twice[2]!)) <= 3 &&
    isPlace(twice[1]!) &&
    isPlace(twice[2]!)
  ) {
    return withName(twice[0].length, twice[2]!);
  }
  const named = /^\s*([^\n:()\-–—.،؛!?؟"“”«»]{1,40}?)\s*(?::|\s[-–—])\s*/u.exec(text);
  if (named && named[0].length < text.length) {
    const key = keyOf(named[1]!);
    const words = key.split(' ');
    const outlet =
      words.length <= 4 && isPlace(named[1]!) && words.some((w) => OUTLET_WORDS.has(w));
    if (known.has(key) || outlet) return withName(named[0].length, named[1]!);
  }
  return undefined;
}

/** A city or agency: at most four words, not the start of reported speech. */
function isPlace(text: string): boolean {
  const words = keyOf(text).split(' ');
  const first = (words[0] ?? '').replace(/^[وف](?=..)/, '');
  return (
    words.length <= 4 &&
    words[0] !== '' &&
    !SPEECH_STARTS.has(first) &&
    !SPEECH_STARTS.has(words[0] ?? '')
  );
}

function withName(length: number, name: string): Dateline {
  const clean = dedouble(name.trim());
  return NOT_A_NAME.has(keyOf(clean)) ? { length } : { length, name: clean };
}

/** Scrapes often double a name ("إرناإرنا", "رويترز رويترز"): keep one copy. */
export function dedouble(name: string): string {
  const trimmed = name.replace(SPACES, ' ').trim();
  const match = /^(.+?)\s*\1$/u.exec(trimmed);
  return match?.[1] ?? trimmed;
}

function startsWithWords(key: string, prefix: string): boolean {
  return key === prefix || key.startsWith(`${prefix} `);
}

function wordCount(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

function unique(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = keyOf(name);
    if (key === '' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
