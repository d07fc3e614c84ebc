import { Worker } from 'bullmq';
import { createRedis } from '../../src/redis.ts';
import { createTestBot, type TestBot, until } from '../support/newsbot.ts';
import { freePort } from '../support/redis-server.ts';

export const DASHBOARD = { user: 'operator', password: 'correct-horse-battery' };

export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A bot (no workers) with the dashboard on, serving HTTP on a free port. */
export async function startOperatorBot(name: string): Promise<{ t: TestBot; base: string }> {
  const t = await createTestBot({ name });
  const port = await freePort();
  // No workers in this process: a failed job stays failed, a retried one stays waiting.
  await t.start({
    ROLE: 'bot',
    HTTP_PORT: String(port),
    DASHBOARD_USER: DASHBOARD.user,
    DASHBOARD_PASSWORD: DASHBOARD.password,
  });
  return { t, base: `http://127.0.0.1:${port}` };
}

/** Adds a job to the "sources" queue and fails it once with a worker that always throws. */
export async function makeFailedJob(t: TestBot, reason: string): Promise<string> {
  const job = await t.queues.sources.add('poll', { sourceId: 'broken' }, { attempts: 1 });
  const connection = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker');
  const worker = new Worker(
    'sources',
    async () => {
      throw new Error(reason);
    },
    { connection, prefix: t.keys.bull },
  );
  await until(async () => (await t.queues.sources.getJobState(job.id ?? '')) === 'failed', {
    what: 'job failed',
  });
  await worker.close();
  connection.disconnect();
  return job.id ?? '';
}
