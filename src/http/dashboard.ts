import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { getRequestListener } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Queue } from 'bullmq';
import { Hono } from 'hono';

export const DASHBOARD_PATH = '/dashboard';

/**
 * bull-board over every queue of the table (jobs/queues.ts `queues.all`), as a plain node:http
 * handler for paths under /dashboard. bull-board has no adapter for bare node:http; Hono's is
 * the lightest official one and @hono/node-server turns the Hono app into a request listener.
 * Authentication is the caller's (http/server.ts): this handler trusts every request it gets.
 */
export function createDashboard(queues: readonly Queue[]) {
  const serverAdapter = new HonoAdapter(serveStatic).setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'newsbot' } },
  });
  const app = new Hono();
  app.route(DASHBOARD_PATH, serverAdapter.registerPlugin());
  const listener = getRequestListener(app.fetch);
  return (req: IncomingMessage, res: ServerResponse): Promise<void> => listener(req, res);
}
