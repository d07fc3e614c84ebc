import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../services.ts';
import { BASIC_CHALLENGE, checkBasicAuth, dashboardCredentials } from './auth.ts';
import { createDashboard, DASHBOARD_PATH } from './dashboard.ts';
import { loadStatus, renderStatus } from './status.ts';

export const STATUS_PATH = '/status';

type OperatorDeps = Pick<Services, 'queues' | 'posts' | 'logger'> &
  Partial<Pick<Services, 'config' | 'sourceStore' | 'articles' | 'channels' | 'routes'>>;

/**
 * The operator's pages behind one Basic auth: the queue dashboard (/dashboard) and the status
 * page (/status). Undefined, so the paths answer 404 as before, unless DASHBOARD_USER and
 * DASHBOARD_PASSWORD are both set.
 */
export function createOperatorRoutes(s: OperatorDeps) {
  const credentials = s.config ? dashboardCredentials(s.config) : undefined;
  const { sourceStore, articles } = s;
  if (!credentials || !sourceStore || !articles) return undefined;
  const dashboard = createDashboard(s.queues.all);
  const statusDeps = { ...s, sourceStore, articles, channels: s.channels ?? [] };

  const fail = (res: ServerResponse, err: unknown) => {
    s.logger.warn(
      { err: err instanceof Error ? err.message : String(err) },
      'operator page failed',
    );
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('internal error\n');
  };

  return {
    handles: (path: string) =>
      path === STATUS_PATH || path === DASHBOARD_PATH || path.startsWith(`${DASHBOARD_PATH}/`),

    handle(req: IncomingMessage, res: ServerResponse): void {
      if (!checkBasicAuth(req, credentials)) {
        res.writeHead(401, { 'www-authenticate': BASIC_CHALLENGE, 'content-type': 'text/plain' });
        res.end('authentication required\n');
        return;
      }
      const path = (req.url ?? '/').split('?')[0];
      if (path === STATUS_PATH) {
        if (req.method !== 'GET') {
          res.writeHead(405, { 'content-type': 'text/plain' });
          res.end('method not allowed\n');
          return;
        }
        loadStatus(statusDeps).then(
          (data) => {
            res.writeHead(200, {
              'content-type': 'text/html; charset=utf-8',
              'cache-control': 'no-store',
              // No script on the page; this keeps it so even if a value slipped through.
              'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
            });
            res.end(renderStatus(data, { dashboardPath: DASHBOARD_PATH }));
          },
          (err: unknown) => fail(res, err),
        );
        return;
      }
      dashboard(req, res).catch((err: unknown) => fail(res, err));
    },
  };
}
