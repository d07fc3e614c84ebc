import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserSpec } from '../../src/demo/bot-api-fake.ts';
import { CATCHUP } from '../../src/jobs/digests.ts';
import { userTarget } from '../../src/store/digests.ts';
import { createTestBot, type TestBot, until } from '../support/newsbot.ts';

// Alerts are capped per user per hour; what is over the cap goes into the user's next digest,
// or the hourly catch-up when they have none.

const WITH_DIGEST = { id: 7201, first_name: 'أ', language_code: 'ar' };
const WITHOUT = { id: 7202, first_name: 'ب', language_code: 'ar' };

const story = (title: string, body: string) =>
  `${title}\n\n${body} ${title} بحسب ما أفادت مصادر مطلعة. ${body.replace('.', '')} في وقت سابق من هذا الأسبوع. وتابعت المصادر أن ${title} سيكون محور نقاش واسع.`;

const TITLES = [
  'ارتفاع أسعار النفط في الأسواق العالمية',
  'السعودية تبحث إنتاج النفط مع روسيا',
  'العراق يصدر النفط عبر ميناء البصرة',
  'شركة النفط الوطنية تعلن أرباحها السنوية',
];
const BODIES = [
  'ارتفعت أسعار الخام اليوم مع تراجع المخزونات الأمريكية.',
  'ناقش وزير الطاقة مع نظيره الروسي حصص الإنتاج المقبلة.',
  'أعلنت وزارة النفط العراقية زيادة الصادرات من الموانئ الجنوبية.',
  'سجلت الشركة أرباحا قياسية بفضل ارتفاع الطلب على الوقود.',
];

describe('alerts: the hourly cap, and over-cap alerts in the next digest', () => {
  let t: TestBot;

  beforeAll(async () => {
    t = await createTestBot({
      name: 'alert-cap',
      env: { ALERTS_PER_HOUR: '2', PRIVATE_RATE_PER_MINUTE: '50', TIME_ZONE: 'Asia/Riyadh' },
    });
    await t.start({ ROLE: 'all' });
  });
  afterAll(async () => {
    await t.close();
  });

  const alertsOf = (user: UserSpec) =>
    t.fake.messages(user.id).filter((m) => m.text?.includes('🔔 خبر جديد'));

  it('sends at most ALERTS_PER_HOUR alerts; the rest arrive in the digest or the catch-up', async () => {
    expect((await t.ask(WITH_DIGEST, '/follow النفط')).text).toBeTruthy();
    expect((await t.ask(WITHOUT, '/follow النفط')).text).toBeTruthy();
    expect((await t.ask(WITH_DIGEST, '/digest daily 8:00')).text).toMatch(/daily@08:00/);
    const scheduler = (await t.queues.digests.getJobSchedulers(0, -1)).find(
      (s) => s.key === `udigest-${WITH_DIGEST.id}`,
    );
    expect(scheduler).toMatchObject({ pattern: '0 8 * * *', tz: 'Asia/Riyadh' });

    for (const [i, title] of TITLES.entries()) {
      await t.enqueueText(story(title, BODIES[i]!), { url: `https://oil.example/${i}` });
    }
    // Every article's alert step is done for both users (sent or kept for the digest).
    await until(
      async () => {
        const ids = (await t.posts.timeline({ count: 10 })).map((e) => e.id);
        if (ids.length < 4) return false;
        for (const id of ids) {
          if ((await t.redis.scard(t.keys.alerted(id))) < 2) return false;
        }
        return true;
      },
      { what: 'alerts done', timeoutMs: 30_000 },
    );
    expect(alertsOf(WITH_DIGEST)).toHaveLength(2);
    expect(alertsOf(WITHOUT)).toHaveLength(2);

    // The subscriber with a digest: every match of the period, over-cap ones included.
    const before = t.fake.messages(WITH_DIGEST.id).length;
    await t.queues.digests.add('digest', { target: userTarget(WITH_DIGEST.id) });
    const [digest] = (await t.fake.waitForMessages(WITH_DIGEST.id, before + 1)).slice(before);
    expect(digest!.text).toContain('موجز متابعاتك');
    for (const title of TITLES) expect(digest!.text).toContain(title);

    // The one without: the hourly catch-up brings exactly the alerts the cap held back.
    const beforeB = t.fake.messages(WITHOUT.id).length;
    await t.queues.digests.add('digest', { target: CATCHUP });
    const [catchup] = (await t.fake.waitForMessages(WITHOUT.id, beforeB + 1)).slice(beforeB);
    const alerted = alertsOf(WITHOUT).map((m) => m.text ?? '');
    for (const title of TITLES) {
      const wasAlerted = alerted.some((a) => a.includes(title));
      expect(catchup!.text?.includes(title)).toBe(!wasAlerted);
    }
    // Nothing is sent twice: a second catch-up tick finds no one waiting.
    await t.queues.digests.add('digest', { target: CATCHUP });
    await new Promise((r) => setTimeout(r, 1000));
    expect(t.fake.messages(WITHOUT.id)).toHaveLength(beforeB + 1);
  });

  it("heads a subscriber's digest in the subscriber's language", async () => {
    const EN: UserSpec = { id: 7203, first_name: 'Sam', language_code: 'en' };
    expect((await t.ask(EN, '/digest daily 8:00')).text).toMatch(/daily@08:00/);
    const [latest] = await t.posts.timeline({ count: 1 });
    await t.stores.digestStore.collect(userTarget(EN.id), latest!.id);
    const before = t.fake.messages(EN.id).length;
    await t.queues.digests.add('digest', { target: userTarget(EN.id) });
    const [digest] = (await t.fake.waitForMessages(EN.id, before + 1)).slice(before);
    expect(digest!.text).toContain('Your follows digest');
    expect(digest!.text).not.toContain('موجز متابعاتك');
  });
});
