import type { Queue } from 'bullmq';
import { describeRoute } from '../jobs/routes.ts';
import type { ArticleStore } from '../store/articles.ts';
import type { PostStore } from '../store/posts.ts';
import { type RouteStore, targetKey } from '../store/routes.ts';
import type { Source, SourceHealth, SourceStore } from '../store/sources.ts';
import { postLink } from '../telegram/links.ts';

// The operator's status page: one server-rendered RTL page, no script, no build step.
// Everything shown comes from Redis at request time; every value goes through `esc`.

export interface StatusPost {
  title: string;
  sentAt: string;
  links: { chat: string; href?: string }[];
}

export interface StatusFailedJob {
  queue: string;
  id: string;
  name: string;
  reason: string;
  failedAt?: string;
  attempts: number;
}

export interface StatusData {
  generatedAt: string;
  sources: { source: Source; health: SourceHealth }[];
  // Routes (store/routes.ts): which articles go where, and whether the route is paused.
  routes: { id: string; from: string; to: string; state: string }[];
  posts: StatusPost[];
  failed: StatusFailedJob[];
}

export interface StatusDeps {
  sourceStore: SourceStore;
  posts: PostStore;
  articles: ArticleStore;
  queues: { all: readonly Queue[] };
  channels: readonly string[];
  routes?: RouteStore;
}

const iso = (ms: number | undefined) =>
  ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString();

export async function loadStatus(
  deps: StatusDeps,
  opts: { posts?: number; failed?: number } = {},
): Promise<StatusData> {
  const list = await deps.sourceStore.list();
  const sources = await Promise.all(
    list.map(async (source) => ({ source, health: await deps.sourceStore.health(source.id) })),
  );
  const entries = await deps.posts.timeline({ count: opts.posts ?? 20 });
  const stored = await deps.articles.getMany(entries.map((e) => e.id));
  const posts = await Promise.all(
    entries.map(async (entry, i) => {
      const article = stored[i];
      const chats = deps.channels;
      const links = await Promise.all(
        chats.map(async (chat) => {
          const post = await deps.posts.get(entry.id, chat);
          return {
            chat,
            href: post ? postLink(post.chat, post.chatId, post.messageId) : undefined,
          };
        }),
      );
      return {
        title: article?.title ?? entry.id,
        sentAt: iso(entry.sentAt) ?? '',
        links: links.filter((l) => l.href !== undefined),
      };
    }),
  );
  const failed: StatusFailedJob[] = [];
  for (const queue of deps.queues.all) {
    const jobs = await queue.getFailed(0, (opts.failed ?? 20) - 1);
    for (const job of jobs) {
      failed.push({
        queue: queue.name,
        id: job.id ?? '',
        name: job.name,
        reason: job.failedReason ?? '',
        failedAt: iso(job.finishedOn),
        attempts: job.attemptsMade,
      });
    }
  }
  const routes = (await deps.routes?.list()) ?? [];
  return {
    generatedAt: new Date().toISOString(),
    sources,
    routes: routes.map((r) => ({
      id: r.id,
      // The route's conditions as added (describeRoute), without its id and target.
      from: describeRoute(r)
        .split(' ')
        .slice(r.target.thread === undefined ? 2 : 3)
        .join(' '),
      to: targetKey(r.target),
      state: r.paused ? 'موقوف' : 'يعمل',
    })),
    posts,
    failed,
  };
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** HTML-escapes text and attribute values alike. */
export const esc = (s: string | number | undefined): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** Only http(s) links become hrefs; anything else (javascript:, data:) is shown as text. */
const safeHref = (href: string | undefined) =>
  href && /^https?:\/\//i.test(href) ? esc(href) : undefined;

// Latin values (ids, URLs, times) are isolated so they keep their own order inside RTL text.
const ltr = (s: string | number | undefined) => `<bdi dir="ltr">${esc(s)}</bdi>`;

function sourceState(source: Source, health: SourceHealth): string {
  if (source.paused) return 'متوقف';
  if (health.failures > 0) return `يتعثر (${health.failures})`;
  return 'يعمل';
}

function table(head: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function renderStatus(data: StatusData, opts: { dashboardPath?: string } = {}): string {
  const sources = table(
    ['المصدر', 'الحالة', 'آخر نجاح', 'آخر خطأ', 'مواد'],
    data.sources.map(({ source, health }) => [
      `${esc(source.publisher)} ${ltr(source.id)}`,
      esc(sourceState(source, health)) +
        (source.pausedReason ? ` — ${esc(source.pausedReason)}` : ''),
      ltr(health.lastSuccessAt ?? '—'),
      health.lastError
        ? `${ltr(health.lastErrorAt)} <span class="err">${esc(health.lastError)}</span>`
        : '—',
      ltr(health.items),
    ]),
    'لا مصادر بعد.',
  );
  const routes = table(
    ['المسار', 'من', 'إلى', 'الحالة'],
    data.routes.map((r) => [ltr(r.id), ltr(r.from), ltr(r.to), esc(r.state)]),
    'لا مسارات بعد.',
  );
  const posts = table(
    ['الخبر', 'أُرسل', 'الروابط'],
    data.posts.map((p) => [
      esc(p.title),
      ltr(p.sentAt),
      p.links
        .map((l) => {
          const href = safeHref(l.href);
          return href ? `<a href="${href}" dir="ltr">${esc(l.chat)}</a>` : ltr(l.chat);
        })
        .join(' '),
    ]),
    'لم يُنشر شيء بعد.',
  );
  const failed = table(
    ['الطابور', 'المهمة', 'السبب', 'فشلت', 'محاولات'],
    data.failed.map((j) => [
      ltr(j.queue),
      ltr(`${j.name} #${j.id}`),
      `<span class="err">${esc(j.reason)}</span>`,
      ltr(j.failedAt ?? '—'),
      ltr(j.attempts),
    ]),
    'لا مهام فاشلة.',
  );
  const dashboard = opts.dashboardPath
    ? `<p><a href="${esc(opts.dashboardPath)}">لوحة الطوابير</a></p>`
    : '';
  return `<!doctype html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>حالة newsbot</title>
<style>
body{font-family:system-ui,"Noto Naskh Arabic",sans-serif;margin:1.5rem;line-height:1.5}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:start;vertical-align:top}
.err{color:#a00}.empty{color:#666}
</style>
</head>
<body>
<h1>حالة newsbot</h1>
<p>حتى ${ltr(data.generatedAt)}</p>
${dashboard}
<section id="sources"><h2>المصادر</h2>
${sources}
</section>
<section id="routes"><h2>المسارات</h2>
${routes}
</section>
<section id="posts"><h2>آخر المنشورات</h2>
${posts}
</section>
<section id="failed"><h2>المهام الفاشلة</h2>
${failed}
</section>
</body>
</html>
`;
}
