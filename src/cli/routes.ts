import { parseArgs } from 'node:util';
import { Api } from 'grammy';
import { buildArticle } from '../article/pipeline.ts';
import { SECTIONS } from '../article/types.ts';
import type { Config } from '../config.ts';
import { syncDigestSchedulers } from '../jobs/digests.ts';
import { createQueues } from '../jobs/queues.ts';
import {
  checkTarget,
  chooseTargets,
  createRouteService,
  describeRoute,
  matchRoute,
  parseRoute,
  ROUTE_SYNTAX,
} from '../jobs/routes.ts';
import type { Stores } from '../stores.ts';
import type { CliContext, Command } from './context.ts';
import { clean, rawFromArgs, UsageError } from './io.ts';

// `routes`: which articles go to which chat or forum topic (jobs/routes.ts), as /routes does.

export const routes: Command = {
  usage: [
    `routes add ${ROUTE_SYNTAX} [--no-check]`,
    'routes list [--json]',
    'routes remove|pause|resume <id>',
    'routes test <file|-> [--url URL] [--source ID] [--section NAME]',
  ],
  async run(args, ctx) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'add':
        return add(rest, ctx);
      case 'list':
        return list(rest, ctx);
      case 'remove':
      case 'pause':
      case 'resume':
        return setState(sub, rest, ctx);
      case 'test':
        return test(rest, ctx);
      default:
        throw new UsageError(
          sub === undefined ? 'routes needs a subcommand' : `unknown routes command '${sub}'`,
        );
    }
  },
};

/** The route service over the CLI's stores, keeping the digest schedulers in line. */
async function withRoutes(
  ctx: CliContext,
  fn: (service: ReturnType<typeof createRouteService>, config: Config) => Promise<number>,
): Promise<number> {
  return ctx.withStores(async (stores: Stores, config) => {
    const queues = createQueues({ connection: stores.redis, keys: stores.keys });
    try {
      const service = createRouteService({
        store: stores.routes,
        sync: async (all) => {
          await syncDigestSchedulers(queues.digests, all, config.TIME_ZONE);
        },
      });
      return await fn(service, config);
    } finally {
      await queues.close();
    }
  });
}

async function add(args: string[], ctx: CliContext): Promise<number> {
  const noCheck = args.includes('--no-check');
  const parsed = parseRoute(args.filter((a) => a !== '--no-check').join(' '));
  if ('error' in parsed) throw new UsageError(parsed.error);
  const config = ctx.config();
  if (config.kind === 'telegram' && !noCheck) {
    const api = new Api(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT });
    const check = await checkTarget(api, parsed.target);
    if (!check.ok) {
      ctx.io.stderr(`newsbot: route not added: ${clean(check.reason)}\n`);
      return 1;
    }
  }
  return withRoutes(ctx, async (service) => {
    const route = await service.add(parsed);
    ctx.io.stdout(`added ${describeRoute(route)}\n`);
    if (config.kind !== 'telegram') {
      ctx.io.stdout(
        'not checked: no BOT_TOKEN configured, so whether the bot may post there is unknown\n',
      );
    } else if (noCheck) ctx.io.stdout('not checked (--no-check)\n');
    return 0;
  });
}

async function list(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  return ctx.withStores(async (stores) => {
    const all = await stores.routes.list();
    if (values.json) ctx.io.stdout(`${JSON.stringify(all)}\n`);
    else if (all.length === 0) ctx.io.stdout('no routes: every article goes to CHANNEL_ID\n');
    else for (const r of all) ctx.io.stdout(`${describeRoute(r)}\n`);
    return 0;
  });
}

async function setState(
  sub: 'remove' | 'pause' | 'resume',
  args: string[],
  ctx: CliContext,
): Promise<number> {
  const [id, ...extra] = args;
  if (id === undefined || extra.length > 0) throw new UsageError(`routes ${sub} takes one id`);
  return withRoutes(ctx, async (service) => {
    const route =
      sub === 'remove' ? await service.remove(id) : await service.setPaused(id, sub === 'pause');
    if (!route) {
      ctx.io.stderr(`newsbot: no route ${clean(id)}\n`);
      return 1;
    }
    ctx.io.stdout(`${sub === 'remove' ? 'removed' : `${sub}d`} ${describeRoute(route)}\n`);
    return 0;
  });
}

async function test(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      source: { type: 'string' },
      section: { type: 'string' },
    },
  });
  const section = SECTIONS.find((s) => s === values.section);
  if (values.section !== undefined && section === undefined) {
    throw new UsageError(`unknown section ${values.section}: one of ${SECTIONS.join(', ')}`);
  }
  const built = buildArticle(rawFromArgs(positionals[0], values, ctx.io));
  const article = {
    ...built,
    ...(values.source ? { sourceId: values.source } : {}),
    ...(section ? { section } : {}),
  };
  return ctx.withStores(async (stores, config) => {
    const all = await stores.routes.list();
    const out = ctx.io.stdout;
    out(
      `article: ${clean(article.title)} (section ${article.section ?? 'misc'}, source ${article.sourceId ?? '-'})\n`,
    );
    if (all.length === 0) {
      out(`no routes: it goes to CHANNEL_ID (${config.CHANNEL_ID.join(', ') || 'not set'})\n`);
      return 0;
    }
    for (const r of all) {
      const v = matchRoute(r, article);
      out(
        `${v.match ? '✓' : '✗'} ${r.id} → ${describeRoute(r).slice(r.id.length + 2)}: ${v.why.join('; ')}\n`,
      );
    }
    const targets = chooseTargets(all, article);
    if (targets.length === 0) out('targets: none\n');
    for (const t of targets) {
      const how = [t.post ? 'post' : '', t.digest ? 'digest' : ''].filter(Boolean).join(' + ');
      out(`target ${t.key}: ${how} (routes ${t.routes.join(', ')})\n`);
    }
    return 0;
  });
}
