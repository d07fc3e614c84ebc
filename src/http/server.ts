import { createServer, type Server } from 'node:http';
import { Gauge, Registry } from 'prom-client';
import type { Services } from '../services.ts';
import { createMetricsStore } from '../store/metrics.ts';
import { createOperatorRoutes } from './operator.ts';

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
      'Posts re-sent after an interrupted attempt (may be doubled)',
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

export async function startHttpServer(
  s: Pick<Services, 'redis' | 'keys' | 'posts' | 'dedupe' | 'queues' | 'logger'> &
    Partial<Pick<Services, 'config' | 'sourceStore' | 'articles' | 'channels'>>,
  port: number,
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
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return server;
}
