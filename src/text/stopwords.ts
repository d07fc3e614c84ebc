import { normalizeForMatch } from './normalize.ts';
import { tokenize } from './tokenize.ts';

// stopwords-iso `ar` (github.com/stopwords-iso/stopwords-ar, stopwords-ar.json, 480 entries,
// MIT), copied verbatim as data. The set below is its normalised, deduplicated form.
const STOPWORDS_ISO_AR = `
، آض آمينَ آه آهاً آي أ أب أجل أجمع أخ أخذ أصبح أضحى أقبل أقل أكثر ألا أم أما
أمامك أمامكَ أمسى أمّا أن أنا أنت أنتم أنتما أنتن أنتِ أنشأ أنّى أو أوشك أولئك
أولئكم أولاء أولالك أوّهْ أي أيا أين أينما أيّ أَنَّ أََيُّ أُفٍّ إذ إذا إذاً
إذما إذن إلى إليكم إليكما إليكنّ إليكَ إلَيْكَ إلّا إمّا إن إنّما إي إياك إياكم
إياكما إياكن إيانا إياه إياها إياهم إياهما إياهن إياي إيهٍ إِنَّ ا ابتدأ اثر اجل
احد اخرى اخلولق اذا اربعة ارتدّ استحال اطار اعادة اعلنت اف اكثر اكد الألاء الألى
الا الاخيرة الان الاول الاولى التى التي الثاني الثانية الذاتي الذى الذي الذين
السابق الف اللائي اللاتي اللتان اللتيا اللتين اللذان اللذين اللواتي الماضي
المقبل الوقت الى اليوم اما امام امس ان انبرى انقلب انه انها او اول اي ايار ايام
ايضا ب بات باسم بان بخٍ برس بسبب بسّ بشكل بضع بطآن بعد بعض بك بكم بكما بكن بل
بلى بما بماذا بمن بن بنا به بها بي بيد بين بَسْ بَلْهَ بِئْسَ تانِ تانِك تبدّل
تجاه تحوّل تلقاء تلك تلكم تلكما تم تينك تَيْنِ تِه تِي ثلاثة ثم ثمّ ثمّة ثُمَّ
جعل جلل جميع جير حار حاشا حاليا حاي حتى حرى حسب حم حوالى حول حيث حيثما حين حيَّ
حَبَّذَا حَتَّى حَذارِ خلا خلال دون دونك ذا ذات ذاك ذانك ذانِ ذلك ذلكم ذلكما
ذلكن ذو ذوا ذواتا ذواتي ذيت ذينك ذَيْنِ ذِه ذِي راح رجع رويدك ريث رُبَّ زيارة
سبحان سرعان سنة سنوات سوف سوى سَاءَ سَاءَمَا شبه شخصا شرع شَتَّانَ صار صباح صفر
صهٍ صهْ ضد ضمن طاق طالما طفق طَق ظلّ عاد عام عاما عامة عدا عدة عدد عدم عسى عشر
عشرة علق على عليك عليه عليها علًّ عن عند عندما عوض عين عَدَسْ عَمَّا غدا غير ـ ف
فان فلان فو فى في فيم فيما فيه فيها قال قام قبل قد قطّ قلما قوة كأنّما كأين كأيّ
كأيّن كاد كان كانت كذا كذلك كرب كل كلا كلاهما كلتا كلم كليكما كليهما كلّما كلَّا
كم كما كي كيت كيف كيفما كَأَنَّ كِخ لئن لا لات لاسيما لدن لدى لعمر لقاء لك لكم
لكما لكن لكنَّما لكي لكيلا للامم لم لما لمّا لن لنا له لها لو لوكالة لولا لوما
لي لَسْتَ لَسْتُ لَسْتُم لَسْتُمَا لَسْتُنَّ لَسْتِ لَسْنَ لَعَلَّ لَكِنَّ
لَيْتَ لَيْسَ لَيْسَا لَيْسَتَا لَيْسَتْ لَيْسُوا لَِسْنَا ما ماانفك مابرح مادام
ماذا مازال مافتئ مايو متى مثل مذ مساء مع معاذ مقابل مكانكم مكانكما مكانكنّ
مكانَك مليار مليون مما ممن من منذ منها مه مهما مَنْ مِن نحن نحو نعم نفس نفسه
نهاية نَخْ نِعِمّا نِعْمَ ها هاؤم هاكَ هاهنا هبّ هذا هذه هكذا هل هلمَّ هلّا هم
هما هن هنا هناك هنالك هو هي هيا هيت هيّا هَؤلاء هَاتانِ هَاتَيْنِ هَاتِه هَاتِي
هَجْ هَذا هَذانِ هَذَيْنِ هَذِه هَذِي هَيْهَاتَ و و6 وا واحد واضاف واضافت واكد
وان واهاً واوضح وراءَك وفي وقال وقالت وقد وقف وكان وكانت ولا ولم ومن وهو وهي
ويكأنّ وَيْ وُشْكَانََ يكون يمكن يوم ّأيّان
`;

// Words that carry news content and must stay searchable (normalised).
const NEWS_CONTENT_WORDS = ['قال', 'اليوم', 'امس', 'عام', 'مليون', 'مليار'];

function buildStopwords(): Set<string> {
  const excluded = new Set(NEWS_CONTENT_WORDS.map(normalizeForMatch));
  const words = new Set<string>();
  for (const raw of STOPWORDS_ISO_AR.split(/\s+/)) {
    const word = normalizeForMatch(raw);
    // Keep only entries that are one token after normalising: this drops the lone
    // tatweel (empty), the Arabic comma and و6, which our tokenizer never produces.
    const tokens = tokenize(raw);
    if (tokens.length === 1 && tokens[0] === word && !excluded.has(word)) words.add(word);
  }
  return words;
}

/** Normalised Arabic stopwords (stopwords-iso `ar` minus news content words). */
export const STOPWORDS: ReadonlySet<string> = buildStopwords();

/** True when a normalised token is a stopword. */
export function isStopword(normalizedToken: string): boolean {
  return STOPWORDS.has(normalizedToken);
}

// Words that are never a hashtag although they carry content in search: reporting verbs, time
// words, and role nouns that only say who spoke (normalised).
const HASHTAG_STOPWORDS_RAW = `
قال قالت يقول تقول أكد أكدت أعلن أعلنت أضاف أضافت أوضح ذكر ذكرت أفاد أفادت كشف كشفت
اليوم أمس غدا الآن عام العام سنة السنة الأسبوع الشهر شهر الساعة يوم أيام مليون مليار ألف
ارتفاع انخفاض تراجع زيادة إيقاف ايقاف القبض مقتل وفاة إصابة بداية نهاية انطلاق تحويل
الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة السبت
يناير فبراير مارس أبريل ماي مايو يونيو جوان يوليو جويلية أغسطس أوت سبتمبر أكتوبر نوفمبر ديسمبر
الوزير وزير الرئيس رئيس المدير مدير الناطق المتحدث مصدر مصادر المصدر
خبر الخبر عاجل فيديو بالفيديو صور بالصور شاهد تقرير حوار جديد جديدة أول أولى آخر أخرى كبير كبيرة
خلال بعد قبل حول ضد بين عبر نحو أكثر أقل كل بعض
`;
const HASHTAG_STOPWORDS: ReadonlySet<string> = new Set(
  HASHTAG_STOPWORDS_RAW.split(/\s+/)
    .filter((w) => w !== '')
    .map(normalizeForMatch),
);

/** True when a normalised token must never be a hashtag (a stopword or a news filler word). */
export function isHashtagStopword(normalizedToken: string): boolean {
  return STOPWORDS.has(normalizedToken) || HASHTAG_STOPWORDS.has(normalizedToken);
}
