import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Gauge, Registry } from 'prom-client';
import type { Services } from '../services.ts';
import { createMetricsStore } from '../store/metrics.ts';
import { createOperatorRoutes } from './operator.ts';
import type { WebhookRoute } from './webhook.ts';

/**
 * /healthz (Redis answers → 200, else 503) and /metrics (Prometheus text). The numbers come
 * from Redis, so every process reports the same totals for the whole bot.
 */
export function createMetrics(s: Pick<Services, 'posts' | 'dedupe' | 'queues'>): Registry {
  const registry = new Registry();
  new Gauge({
    name: 'newsbot_jobs',
    help: 'Jobs in each queue by state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      // Every queue of the table in jobs/queues.ts.
      for (const queue of s.queues.all) {
        const counts = await queue.getJobCounts(
          'waiting',
          'delayed',
          'active',
          'failed',
          'prioritized',
        );
        for (const [state, n] of Object.entries(counts)) this.set({ queue: queue.name, state }, n);
      }
    },
  });
  new Gauge({
    name: 'newsbot_queue_depth',
    help: 'Jobs not yet started in each queue (waiting + prioritized + delayed)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      for (const queue of s.queues.all) {
        const c = await queue.getJobCounts('waiting', 'prioritized', 'delayed');
        this.set({ queue: queue.name }, (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0));
      }
    },
  });
  const totals: [string, string, () => Promise<number>][] = [
    ['newsbot_posts', 'Articles posted (all time)', () => s.posts.postedCount()],
    [
      'newsbot_duplicates_dropped',
      'Duplicates dropped (last 10,000 kept)',
      () => s.dedupe.droppedCount(),
    ],
    [
      'newsbot_ambiguous_sends',
      'Sends retried after an attempt whose outcome was unknown, counted per attempt (each may have posted a copy)',
      () => s.posts.ambiguousSends(),
    ],
    [
      'newsbot_ambiguous_posts',
      'Distinct posts (article and chat) that had at least one such retry',
      () => s.posts.ambiguousCount(),
    ],
  ];
  for (const [name, help, read] of totals) {
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(await read());
      },
    });
  }
  return registry;
}

export interface HttpOptions {
  port: number;
  /** Where to listen; 127.0.0.1 by default (HTTP_HOST), so the probes are not public. */
  host?: string;
  /** When set, /metrics needs `Authorization: Bearer <token>` (METRICS_TOKEN). */
  metricsToken?: string | undefined;
  /** The Telegram webhook route (BOT_MODE=webhook). */
  webhook?: WebhookRoute;
}

/** Compares the bearer token in constant time (hashes first, so lengths do not leak either). */
function hasBearer(req: IncomingMessage, token: string): boolean {
  const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const digest = (x: string) => createHash('sha256').update(x).digest();
  return timingSafeEqual(digest(given), digest(token)) && given !== '';
}

export async function startHttpServer(
  s: Pick<Services, 'redis' | 'keys' | 'posts' | 'dedupe' | 'queues' | 'logger'> &
    Partial<Pick<Services, 'config' | 'sourceStore' | 'articles' | 'channels' | 'routes'>>,
  opts: HttpOptions,
): Promise<Server> {
  const registry = createMetrics(s);
  // The workers' counters and histograms, kept in Redis (store/metrics.ts).
  const observed = createMetricsStore(s);
  // /dashboard and /status (http/operator.ts): off unless DASHBOARD_USER/PASSWORD are set.
  const operator = createOperatorRoutes(s);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    // Webhook mode: Telegram's updates (http/webhook.ts), POST with the secret header.
    if (opts.webhook && path === opts.webhook.path) return opts.webhook.handle(req, res);
    // /dashboard and /status (http/operator.ts), behind their own login.
    if (operator?.handles(path ?? '/')) return operator.handle(req, res);
    if (req.method !== 'GET') return reply(405, 'text/plain', 'method not allowed\n');
    if (path === '/healthz') {
      s.redis.ping().then(
        () => reply(200, 'text/plain', 'ok\n'),
        () => reply(503, 'text/plain', 'redis unavailable\n'),
      );
      return;
    }
    if (path === '/metrics') {
      if (opts.metricsToken !== undefined && !hasBearer(req, opts.metricsToken)) {
        res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' });
        res.end('unauthorized\n');
        return;
      }
      Promise.all([registry.metrics(), observed.render()]).then(
        ([text, more]) => reply(200, registry.contentType, text + more),
        (err: unknown) => {
          s.logger.warn(
            { err: err instanceof Error ? err.message : String(err) },
            'metrics failed',
          );
          reply(503, 'text/plain', 'metrics unavailable\n');
        },
      );
      return;
    }
    reply(404, 'text/plain', 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', resolve);
  });
  return server;
}
