import { Composer } from 'grammy';
import { scheduleUserDigest } from '../../jobs/digests.ts';
import { describeDigest, parseDigest } from '../../jobs/routes.ts';
import type { Services } from '../../services.ts';
import type { BotContext } from '../context.ts';

// Subscribers: `/digest daily 8:00` (or hourly, or weekly fri 8:00) gets a personal digest of
// their follows in this chat, at that time in TIME_ZONE; `/digest off` stops it. Alerts over
// the hourly cap wait for this digest (jobs/alerts.ts).

/** "daily 8:00" → "daily@8:00", "weekly fri 8:00" → "weekly@fri-8:00", "hourly" → "hourly". */
function toDigestSyntax(words: string[]): string {
  const [every = '', ...rest] = words.map((w) => w.toLowerCase());
  if (every === 'weekly') return `weekly@${rest.join('-')}`;
  return rest.length ? `${every}@${rest.join('')}` : every;
}

export function createDigestFeature(s: Services): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.chatType('private').command('digest', async (ctx) => {
    const t = ctx.t.digest;
    const words = ctx.match.trim().split(/\s+/).filter(Boolean);
    const userId = ctx.from.id;
    if (words.length === 1 && words[0]?.toLowerCase() === 'off') {
      await s.digestStore.removeUserDigest(userId);
      await scheduleUserDigest(s.queues.digests, userId, undefined, s.config.TIME_ZONE);
      await ctx.reply(t.off);
      return;
    }
    const schedule = words.length ? parseDigest(toDigestSyntax(words)) : undefined;
    if (!schedule) {
      await ctx.reply(t.usage);
      return;
    }
    const digest = { ...schedule, lang: ctx.lang === 'en' ? ('en' as const) : ('ar' as const) };
    await s.digestStore.setUserDigest(userId, digest);
    await scheduleUserDigest(s.queues.digests, userId, digest, s.config.TIME_ZONE);
    await ctx.reply(t.set(`${describeDigest(schedule)} (${s.config.TIME_ZONE})`));
  });
  return c;
}
