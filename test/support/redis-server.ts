import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pingRedis } from '../../src/redis.ts';

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

// Lives in src/redis.ts (the demo uses it too); re-exported for the suites that import it here.
export { pingRedis };

/**
 * A test-owned redis-server on a random port in its own temp dir, so a test can stop and
 * start it (AOF on by default, as in production) without touching the shared server.
 */
export class RedisServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'newsbot-redis-'));
  private proc: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly aof: boolean,
  ) {}

  static async start(opts: { aof?: boolean } = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), opts.aof ?? true);
    await server.resume();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port and data dir. */
  async resume(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir];
    args.push('--save', '', '--appendonly', this.aof ? 'yes' : 'no', '--appendfsync', 'always');
    args.push('--maxmemory-policy', 'noeviction');
    this.proc = spawn('redis-server', args, { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await pingRedis(this.url, 500)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** Graceful stop (SIGTERM: Redis flushes its AOF), waiting for the process to exit. */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
    this.proc = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
