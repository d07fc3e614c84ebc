import { Composer } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import {
  type ArticleJob,
  type PostJob,
  type PublishJob,
  QUEUE_NAMES,
  type QueueName,
} from '../../jobs/queues.ts';
import type { Services } from '../../services.ts';
import { stripUnsafeChars } from '../../text/sanitize.ts';
import type { BotContext } from '../context.ts';
import { type EditorDesk, editorFrom, jobRef } from './editor-desk.ts';
import { type Lang, langOf, textsFor } from './editor-texts.ts';

// /queue: how many posts wait, are scheduled or failed; the same counts for every other queue
// of the table (jobs/queues.ts); the next scheduled posts with their times; the failed ones
// with the reason and a Retry button.

const SHOWN = 5;
const SCAN = 500;
const MAX_LINE = 70;

type Deps = Pick<Services, 'queues' | 'articles' | 'config'>;

/** Counted together in the first line: the articles on their way to the channels. */
const POSTING = ['articles', 'posts'] as const satisfies readonly QueueName[];
type OtherQueue = Exclude<QueueName, (typeof POSTING)[number]>;
const posting = new Set<QueueName>(POSTING);
const isOther = (name: QueueName): name is OtherQueue => !posting.has(name);

// The line of every other queue. Its words differ from the first line's ("scheduled" there),
// so a count read from the first line is never found in these.
const OTHER_QUEUES: Record<
  Lang,
  {
    label: Record<OtherQueue, string>;
    counts: (label: string, toRun: number, delayed: number, failed: number) => string;
  }
> = {
  ar: {
    label: { alerts: 'التنبيهات', sources: 'المصادر', digests: 'الموجزات' },
    counts: (label, toRun, delayed, failed) =>
      `${label}: ${toRun} قيد التنفيذ · ${delayed} مؤجل · ${failed} فشل`,
  },
  en: {
    label: { alerts: 'Alerts', sources: 'Sources', digests: 'Digests' },
    counts: (label, toRun, delayed, failed) =>
      `${label}: ${toRun} to run · ${delayed} delayed · ${failed} failed`,
  },
};

const oneLine = (s: string, max = MAX_LINE): string => {
  const line = stripUnsafeChars(s).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

function articleIdOf(data: ArticleJob | PublishJob | PostJob): string | undefined {
  return 'articleId' in data ? data.articleId : undefined;
}

export async function describeQueue(
  s: Deps,
  desk: EditorDesk,
  lang: Lang,
): Promise<{ text: string; buttons: InlineKeyboardButton[][] }> {
  const t = textsFor(lang);
  const states = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;
  const [counts, delayed] = await Promise.all([
    Promise.all(QUEUE_NAMES.map((name) => s.queues[name].getJobCounts(...states))),
    s.queues.articles.getDelayed(0, SCAN - 1),
  ]);
  const countsOf = (name: QueueName) => counts[QUEUE_NAMES.indexOf(name)] ?? {};
  const [a, p] = [countsOf('articles'), countsOf('posts')];
  const count = (c: Record<string, number>, ...names: string[]) =>
    names.reduce((n, name) => n + (c[name] ?? 0), 0);
  const scheduled = delayed
    .filter((job) => job?.name === 'publish')
    .map((job) => ({ job, at: job.timestamp + (job.opts.delay ?? 0) }))
    .sort((x, y) => x.at - y.at);
  const waiting =
    count(a, 'waiting', 'active', 'prioritized', 'delayed') -
    scheduled.length +
    count(p, 'waiting', 'active', 'prioritized', 'delayed');
  const failedCount = count(a, 'failed') + count(p, 'failed');

  const [failedPosts, failedArticles] = await Promise.all([
    s.queues.posts.getFailed(0, SHOWN - 1),
    s.queues.articles.getFailed(0, SHOWN - 1),
  ]);
  const failed = [
    ...failedPosts.map((job) => ({ job, queue: 'p' as const })),
    ...failedArticles.map((job) => ({ job, queue: 'a' as const })),
  ]
    .filter((f) => f.job !== undefined)
    .slice(0, SHOWN);

  const ids = [
    ...scheduled.slice(0, SHOWN).map(({ job }) => articleIdOf(job.data)),
    ...failed.map(({ job }) => articleIdOf(job.data)),
  ].filter((id): id is string => id !== undefined);
  const stored = await s.articles.getMany(ids);
  const titles = new Map<string, string>();
  stored.forEach((article, i) => {
    const id = ids[i];
    if (article && id) titles.set(id, article.title);
  });
  const titleOf = (data: ArticleJob | PublishJob | PostJob): string => {
    const id = articleIdOf(data);
    if (id) return oneLine(titles.get(id) ?? id);
    if ('raw' in data) return oneLine(data.raw.url ?? data.raw.feedItem?.title ?? t.untitled);
    return t.untitled;
  };

  const lines = [t.queueCounts(Math.max(0, waiting), scheduled.length, failedCount)];
  const other = OTHER_QUEUES[lang];
  for (const name of QUEUE_NAMES.filter(isOther)) {
    const c = countsOf(name);
    lines.push(
      other.counts(
        other.label[name],
        count(c, 'waiting', 'active', 'prioritized'),
        count(c, 'delayed'),
        count(c, 'failed'),
      ),
    );
  }
  if (scheduled.length > 0) {
    lines.push('', t.nextScheduled);
    for (const { job, at } of scheduled.slice(0, SHOWN)) {
      lines.push(`• ${desk.time(at, lang)} — ${titleOf(job.data)}`);
    }
  }
  const buttons: InlineKeyboardButton[][] = [];
  if (failed.length > 0) {
    lines.push('', t.failedHeader);
    failed.forEach(({ job, queue }, i) => {
      const reason = oneLine(job.failedReason ?? '?', 120);
      lines.push(`${i + 1}. ${titleOf(job.data)} — ${reason}`);
      buttons.push([
        { text: t.btnRetry(i + 1), callback_data: `q:rt:${queue}:${jobRef(String(job.id))}` },
      ]);
    });
  }
  return { text: lines.join('\n'), buttons };
}

/** Retries a failed job found by its button reference; false when it is no longer failed. */
export async function retryFailed(
  s: Deps,
  queue: 'a' | 'p',
  ref: string,
): Promise<{ jobId: string; articleId?: string } | undefined> {
  if (queue === 'p') {
    const job = (await s.queues.posts.getFailed(0, SCAN - 1)).find(
      (j) => j !== undefined && jobRef(String(j.id)) === ref,
    );
    if (!job) return undefined;
    // A fresh count of transient failures, or the first new one would give up at once.
    await job.updateData({ ...job.data, failures: 0 });
    await job.retry('failed');
    return { jobId: String(job.id), articleId: job.data.articleId };
  }
  const job = (await s.queues.articles.getFailed(0, SCAN - 1)).find(
    (j) => j !== undefined && jobRef(String(j.id)) === ref,
  );
  if (!job) return undefined;
  await job.retry('failed');
  const articleId = articleIdOf(job.data);
  return { jobId: String(job.id), ...(articleId ? { articleId } : {}) };
}

export function createQueueFeature(
  s: Deps,
  desk: EditorDesk,
  only: Composer<BotContext>,
): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command('queue', only, async (ctx) => {
    const lang = langOf(ctx.from?.language_code);
    const { text, buttons } = await describeQueue(s, desk, lang);
    await ctx.reply(text, {
      link_preview_options: { is_disabled: true },
      ...(buttons.length > 0 ? { reply_markup: { inline_keyboard: buttons } } : {}),
    });
  });
  c.callbackQuery(/^q:rt:([ap]):([0-9a-f]{16})$/, only, async (ctx) => {
    const t = textsFor(langOf(ctx.from.language_code));
    const queue = ctx.match[1] === 'a' ? 'a' : 'p';
    const retried = await retryFailed(s, queue, ctx.match[2] ?? '');
    if (!retried) {
      await ctx.answerCallbackQuery({ text: t.retryGone });
      return;
    }
    await desk.record('retry', editorFrom(ctx.from), retried.articleId, retried.jobId);
    await ctx.answerCallbackQuery({ text: t.retrying });
  });
  return c;
}
