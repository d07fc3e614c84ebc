import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs here; the compose file is checked for structure instead.
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8'));

  it('runs Redis 7 with AOF on, noeviction, a healthcheck and a volume', () => {
    const redis = compose.services.redis;
    expect(redis.image).toMatch(/^redis:7/);
    const command = redis.command.join(' ');
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(redis.healthcheck.test).toContain('redis-cli');
    expect(redis.volumes[0]).toMatch(/^redis-data:/);
    expect(compose.volumes).toHaveProperty('redis-data');
  });

  it('has a bot service and scalable worker services on that Redis', () => {
    for (const [name, role] of [
      ['bot', 'bot'],
      ['worker', 'worker'],
    ] as const) {
      const svc = compose.services[name];
      expect(svc.build).toBe('.');
      expect(svc.environment.ROLE).toBe(role);
      expect(svc.environment.REDIS_URL).toBe('redis://redis:6379');
      expect(svc.depends_on.redis.condition).toBe('service_healthy');
    }
    expect(compose.services.worker.deploy.replicas).toBeGreaterThan(1);
  });

  it('documents every variable src/config.ts reads in .env.example', () => {
    const example = readFileSync('.env.example', 'utf8');
    const config = readFileSync('src/config.ts', 'utf8');
    const names = [...config.matchAll(/^ {2}([A-Z_]+): /gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });
});

// The Redis Cluster variant (README "Redis Cluster"), checked the same way.
describe('docker-compose.cluster.yml', () => {
  const compose = parse(readFileSync('docker-compose.cluster.yml', 'utf8'), { merge: true });
  const nodes = ['redis-1', 'redis-2', 'redis-3'];

  it('runs three Redis 7 cluster nodes with AOF, noeviction, a healthcheck and a volume each', () => {
    for (const name of nodes) {
      const node = compose.services[name];
      expect(node.image).toMatch(/^redis:7/);
      const command = node.command.join(' ');
      expect(command).toMatch(/--cluster-enabled yes/);
      expect(command).toMatch(/--appendonly yes/);
      expect(command).toMatch(/--maxmemory-policy noeviction/);
      expect(node.healthcheck.test).toContain('redis-cli');
      expect(node.volumes[0]).toBe(`${name}-data:/data`);
      expect(compose.volumes).toHaveProperty(`${name}-data`);
    }
  });

  it('joins the nodes once into a 3-master cluster before the bot and workers start', () => {
    const init = compose.services['redis-cluster-init'];
    const script = init.entrypoint.join(' ');
    expect(script).toMatch(/--cluster create/);
    expect(script).toMatch(/--cluster-replicas 0 --cluster-yes/);
    for (const name of nodes) {
      expect(script).toContain(`getent hosts ${name}`);
      expect(init.depends_on[name].condition).toBe('service_healthy');
    }
    for (const [name, role] of [
      ['bot', 'bot'],
      ['worker', 'worker'],
    ] as const) {
      const svc = compose.services[name];
      expect(svc.build).toBe('.');
      expect(svc.environment.ROLE).toBe(role);
      expect(svc.environment.REDIS_CLUSTER_NODES).toBe(nodes.map((n) => `${n}:6379`).join(','));
      expect(svc.environment.REDIS_URL).toBeUndefined();
      expect(svc.depends_on['redis-cluster-init'].condition).toBe('service_completed_successfully');
    }
    expect(compose.services.worker.deploy.replicas).toBeGreaterThan(1);
  });
});
