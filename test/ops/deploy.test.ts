import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine here: the Dockerfile and compose file are checked for structure, and with
// `docker compose config` where the compose CLI plugin exists (it needs no daemon).

const dockerfile = readFileSync('Dockerfile', 'utf8');
const stages = dockerfile.split(/^FROM /m).slice(1);

describe('Dockerfile', () => {
  it('is multi-stage and runs compiled JS on Node 20 as a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^node:20/);
    const final = stages.at(-1) ?? '';
    expect(final).toMatch(/^USER node$/m);
    expect(final).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
    expect(final).not.toMatch(/RUN npm (ci|install)(?!.*--omit=dev)/);
    // The dependencies the final image gets were installed without devDependencies.
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(final).toMatch(/COPY --from=deps \/app\/node_modules/);
  });

  it('checks /healthz on the port it serves', () => {
    const final = stages.at(-1) ?? '';
    expect(final).toMatch(/^HEALTHCHECK .*\\\n\s+CMD .*\/healthz/m);
    expect(final).toMatch(/HTTP_PORT=8080/);
    expect(final).toMatch(/^EXPOSE 8080$/m);
  });

  it('compiles with a tsconfig that emits runnable ESM', () => {
    const build = JSON.parse(readFileSync('tsconfig.build.json', 'utf8'));
    expect(build.extends).toBe('./tsconfig.json');
    expect(build.compilerOptions).toMatchObject({
      noEmit: false,
      rewriteRelativeImportExtensions: true,
      outDir: 'dist',
    });
    expect(dockerfile).toMatch(/npx tsc -p tsconfig\.build\.json/);
  });
});

describe('docker-compose.yml for operations', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8'));

  it('polls by default, has a webhook profile, and exposes the dashboard port on loopback', () => {
    const { bot, 'bot-webhook': hook, worker } = compose.services;
    expect(bot.profiles).toBeUndefined();
    expect(bot.environment.BOT_MODE).toBe('polling');
    expect(bot.ports).toContain('127.0.0.1:8080:8080');
    expect(hook.profiles).toEqual(['webhook']);
    expect(hook.environment).toMatchObject({ ROLE: 'bot', BOT_MODE: 'webhook' });
    expect(worker.environment.ROLE).toBe('worker');
    // `--scale worker=N` needs a service without a fixed container name or host port.
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    for (const svc of [bot, hook, worker]) expect(svc.environment.HTTP_PORT).toBe('8080');
  });

  it('passes `docker compose config` where the compose CLI exists', () => {
    const probe = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      // The machines of this project have the docker client without the compose plugin.
      expect(probe.error ?? probe.stderr).toBeTruthy();
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'newsbot-compose-'));
    try {
      copyFileSync('docker-compose.yml', join(dir, 'docker-compose.yml'));
      writeFileSync(join(dir, '.env'), '');
      for (const profile of [[], ['--profile', 'webhook']]) {
        const r = spawnSync('docker', ['compose', ...profile, 'config', '--quiet'], {
          cwd: dir,
          encoding: 'utf8',
        });
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy/ monitoring examples', () => {
  it('scrapes /metrics of the bot service', () => {
    const prom = parse(readFileSync('deploy/prometheus.yml', 'utf8'));
    const job = prom.scrape_configs[0];
    expect(job.metrics_path).toBe('/metrics');
    expect(job.static_configs[0].targets).toEqual(['bot:8080']);
    expect(parse(readFileSync('deploy/newsbot-alerts.yml', 'utf8')).groups[0].rules.length).toBe(4);
  });

  it('charts only series that /metrics exposes', () => {
    const dash = JSON.parse(readFileSync('deploy/grafana-dashboard.json', 'utf8'));
    const exprs: string[] = dash.panels.flatMap((p: { targets: { expr: string }[] }) =>
      p.targets.map((t) => t.expr),
    );
    const server = readFileSync('src/http/server.ts', 'utf8');
    const store = readFileSync('src/store/metrics.ts', 'utf8');
    for (const expr of exprs) {
      for (const [name] of expr.matchAll(/newsbot_[a-z0-9_]+/g)) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        expect(server.includes(`'${base}'`) || store.includes(`${base}:`)).toBe(true);
      }
    }
    expect(exprs.length).toBeGreaterThanOrEqual(10);
  });
});
