import { sectionTerms } from '../../src/article/section-features.ts';
import { SECTIONS, type Section } from '../../src/article/types.ts';
import type { LabelledDoc } from './data.ts';

// The two baselines bench:sections and the tests hold the model against.

/** Always the section most frequent in training (local news, on ANT). */
export function majorityBaseline(train: readonly LabelledDoc[]): () => Section {
  const counts = new Map<Section, number>();
  for (const d of train) counts.set(d.section, (counts.get(d.section) ?? 0) + 1);
  let best: Section = 'misc';
  for (const [s, n] of counts) if (n > (counts.get(best) ?? 0)) best = s;
  return () => best;
}

// A hand list of cue words per section, as an editor would write it without any data.
const CUES: Readonly<Record<Section, string>> = {
  politics:
    'حزب أحزاب انتخابات برلمان نائب نواب حكومة رئيس وزير سياسي سياسة حركة النهضة نداء تونس مجلس الشعب دستور معارضة ائتلاف',
  economy:
    'اقتصاد اقتصادي مالية بنك البنك المركزي دينار استثمار تصدير توريد أسعار سوق بورصة ميزانية نمو تضخم شركة صناعة تجارة',
  sport:
    'مباراة مقابلة فريق منتخب بطولة كرة هدف لاعب مدرب الترجي النجم الإفريقي الصفاقسي الجولة ملعب كأس رياضة',
  culture:
    'فيلم مسرح مهرجان فنان فنانة ثقافة ثقافي كتاب رواية معرض موسيقى أغنية سينما عرض شاعر أيام قرطاج',
  technology:
    'تكنولوجيا تقنية هاتف هواتف إنترنت تطبيق فايسبوك غوغل آبل سامسونغ رقمي حاسوب شبكة بيانات ذكي موقع',
  society:
    'تلاميذ مدرسة تعليم صحة مستشفى مرضى أطباء عمال إضراب نقابة اتحاد الشغل طلبة جامعة امتحانات باكالوريا عائلات',
  local:
    'ولاية معتمدية الحرس الوطني أمن إيقاف حجز حادث مرور وفاة بلدية والي حريق الأمطار القبض أعوان منطقة',
  international:
    'سوريا ليبيا العراق مصر فرنسا أمريكا ترامب روسيا الأمم المتحدة دولي داعش فلسطين إسرائيل الجزائر المغرب أوروبا',
  misc: 'غريب طريف دراسة باحثون علماء العالم امرأة رجل طفل حيوان صورة فيديو أغرب قصة',
};

/**
 * Counts each section's cue words (on the same stems the model uses; title words twice) and
 * takes the most; no cue at all falls back to `fallback`.
 */
export function keywordBaseline(fallback: Section): (title: string, body: string) => Section {
  const cueOf = new Map<string, Section>();
  for (const section of SECTIONS) {
    for (const term of sectionTerms(CUES[section])) if (!cueOf.has(term)) cueOf.set(term, section);
  }
  return (title, body) => {
    const hits = new Map<Section, number>();
    const add = (terms: string[], weight: number) => {
      for (const term of terms) {
        const s = cueOf.get(term);
        if (s !== undefined) hits.set(s, (hits.get(s) ?? 0) + weight);
      }
    };
    add(sectionTerms(title), 2);
    add(sectionTerms(body, 400), 1);
    let best: Section = fallback;
    let most = 0;
    for (const section of SECTIONS) {
      const n = hits.get(section) ?? 0;
      if (n > most) {
        most = n;
        best = section;
      }
    }
    return best;
  };
}
