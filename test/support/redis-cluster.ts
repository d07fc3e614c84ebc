import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** One redis-server of the test's cluster. */
export interface ClusterNode {
  port: number;
  dir: string;
  proc: ChildProcess;
  /** A plain connection to this node alone, for CLUSTER commands. */
  admin: Redis;
}

const HOST = '127.0.0.1';

async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, HOST, () => srv.close(() => resolve(true)));
  });
}

/**
 * A free port below 55000 whose cluster bus port (port + 10000) is free too: a node whose bus
 * port is taken or above 65535 dies at start.
 */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 35_000);
    if (taken.has(port) || taken.has(port + 10_000) || taken.has(port - 10_000)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port pair for a cluster node');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A Redis Cluster of redis-server processes on loopback, owned by one test file: random ports,
 * temp dirs, `redis-cli --cluster create`. A missing redis-server or redis-cli is an error,
 * never a skip.
 */
export class RedisCluster {
  /** Keys moveSlot found on both nodes (BUSYKEY) and kept the target's copy of. */
  readonly busyKeys: string[] = [];

  private constructor(readonly nodes: ClusterNode[]) {}

  /** Starts `masters` masters with `replicas` replicas each and waits for cluster_state:ok. */
  static async start(opts: { masters?: number; replicas?: number } = {}): Promise<RedisCluster> {
    const masters = opts.masters ?? 3;
    const replicas = opts.replicas ?? 0;
    const taken = new Set<number>();
    const nodes: ClusterNode[] = [];
    const cluster = new RedisCluster(nodes);
    try {
      for (let i = 0; i < masters * (1 + replicas); i++) {
        nodes.push(await startNode(await clusterPort(taken)));
      }
      const create = spawnSync(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...nodes.map((n) => `${HOST}:${n.port}`),
          '--cluster-replicas',
          String(replicas),
          '--cluster-yes',
        ],
        { encoding: 'utf8', timeout: 30_000 },
      );
      if (create.error || create.status !== 0) {
        throw new Error(
          `redis-cli --cluster create failed: ${create.error?.message ?? create.stderr ?? create.stdout}`,
        );
      }
      await cluster.waitUntilOk();
      return cluster;
    } catch (err) {
      await cluster.destroy();
      throw err;
    }
  }

  /** REDIS_CLUSTER_NODES for these nodes. */
  get env(): string {
    return this.nodes.map((n) => `${HOST}:${n.port}`).join(',');
  }

  /** Waits until every node says cluster_state:ok and knows every other node. */
  async waitUntilOk(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const live = this.nodes.filter((n) => n.proc.exitCode === null);
    for (;;) {
      const infos = await Promise.all(live.map((n) => n.admin.cluster('INFO').catch(() => '')));
      const ok = infos.every(
        (info) =>
          /cluster_state:ok/.test(info) &&
          Number(/cluster_known_nodes:(\d+)/.exec(info)?.[1]) === this.nodes.length,
      );
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`cluster not ok: ${infos.join(' | ')}`);
      await sleep(100);
    }
  }

  async slotOf(key: string): Promise<number> {
    return this.first().admin.cluster('KEYSLOT', key);
  }

  /** The node that serves `slot`, as the given node sees it (CLUSTER SHARDS/SLOTS). */
  async ownerOf(slot: number, asSeenBy: ClusterNode = this.first()): Promise<ClusterNode> {
    for (const [from, to, master] of await asSeenBy.admin.cluster('SLOTS')) {
      if (master && slot >= from && slot <= to) return this.byPort(master[1]);
    }
    throw new Error(`slot ${slot} has no owner`);
  }

  /** A replica of `master` that is connected and in sync with it (ROLE, waiting for one). */
  async replicaOf(master: ClusterNode, timeoutMs = 20_000): Promise<ClusterNode> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const role = (await master.admin.role()) as [string, number, [string, string, string][]];
      const first = role[2]?.[0];
      if (first) {
        const replica = this.byPort(Number(first[1]));
        const info = await replica.admin.info('replication');
        if (/master_link_status:up/.test(info)) return replica;
      }
      if (Date.now() > deadline) throw new Error(`no replica of ${master.port} in sync`);
      await sleep(100);
    }
  }

  /** Current masters (after failovers, the roles may have changed). */
  async masters(): Promise<ClusterNode[]> {
    const out: ClusterNode[] = [];
    for (const n of this.nodes) {
      if (n.proc.exitCode !== null) continue;
      const role = (await n.admin.role()) as [string, ...unknown[]];
      if (role[0] === 'master') out.push(n);
    }
    return out;
  }

  /**
   * Moves one slot to `target` by hand, as `redis-cli --cluster reshard` does: IMPORTING on the
   * target, MIGRATING on the source, MIGRATE in batches of CLUSTER GETKEYSINSLOT (pausing
   * `pauseMs` between batches so clients meet ASK and TRYAGAIN meanwhile), then SETSLOT NODE on
   * every master. Returns the number of keys moved.
   */
  async moveSlot(
    slot: number,
    target: ClusterNode,
    opts: { batch?: number; pauseMs?: number } = {},
  ): Promise<number> {
    const source = await this.ownerOf(slot);
    if (source === target) throw new Error(`slot ${slot} is already on ${target.port}`);
    const sourceId = await source.admin.cluster('MYID');
    const targetId = await target.admin.cluster('MYID');
    await target.admin.cluster('SETSLOT', slot, 'IMPORTING', sourceId);
    await source.admin.cluster('SETSLOT', slot, 'MIGRATING', targetId);
    let moved = 0;
    for (;;) {
      const keys = (await source.admin.cluster(
        'GETKEYSINSLOT',
        slot,
        opts.batch ?? 50,
      )) as string[];
      if (keys.length === 0) break;
      try {
        await source.admin.migrate(HOST, target.port, '', 0, 5000, 'KEYS', ...keys);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.includes('BUSYKEY')) throw err;
        // A key on both nodes: written on the target (ASK) after the source had lost it.
        // Which copy is newer is not knowable here; log it and keep the target's.
        for (const key of keys) {
          try {
            await source.admin.migrate(HOST, target.port, key, 0, 5000);
          } catch (e) {
            if (!(e instanceof Error) || !e.message.includes('BUSYKEY')) throw e;
            this.busyKeys.push(key);
            await source.admin.del(key);
          }
        }
      }
      moved += keys.length;
      if (opts.pauseMs) await sleep(opts.pauseMs);
    }
    // The target first, so the slot always has an owner that accepts it (Redis docs, CLUSTER SETSLOT).
    await target.admin.cluster('SETSLOT', slot, 'NODE', targetId);
    await source.admin.cluster('SETSLOT', slot, 'NODE', targetId);
    for (const n of await this.masters()) {
      if (n !== source && n !== target) await n.admin.cluster('SETSLOT', slot, 'NODE', targetId);
    }
    return moved;
  }

  /** Number of keys of `slot` on one node (0 once the slot has moved away). */
  async keysInSlot(slot: number, node: ClusterNode): Promise<number> {
    return node.admin.cluster('COUNTKEYSINSLOT', slot);
  }

  byPort(port: number): ClusterNode {
    const node = this.nodes.find((n) => n.port === port);
    if (!node) throw new Error(`no node on port ${port}`);
    return node;
  }

  private first(): ClusterNode {
    const node = this.nodes.find((n) => n.proc.exitCode === null);
    if (!node) throw new Error('no live node');
    return node;
  }

  async destroy(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (n) => {
        n.admin.disconnect();
        if (n.proc.exitCode === null && n.proc.signalCode === null) {
          const exited = new Promise((r) => n.proc.once('exit', r));
          n.proc.kill('SIGKILL');
          await exited;
        }
        rmSync(n.dir, { recursive: true, force: true });
      }),
    );
  }
}

async function startNode(port: number): Promise<ClusterNode> {
  const dir = mkdtempSync(join(tmpdir(), 'newsbot-cluster-'));
  const args = ['--port', String(port), '--bind', HOST, '--dir', dir];
  args.push('--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'));
  // A short node timeout so a failover in the tests takes seconds, not the default 15 s.
  args.push('--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no');
  const proc = spawn('redis-server', args, { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => {
    proc.once('error', (err) =>
      reject(new Error(`redis-server could not start (is it installed?): ${err.message}`)),
    );
    proc.once('exit', (code) => reject(new Error(`redis-server on ${port} exited (${code})`)));
  });
  failed.catch(() => {});
  const admin = new Redis({ host: HOST, port, lazyConnect: true, retryStrategy: () => 100 });
  admin.on('error', () => {});
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ready = await Promise.race([
      admin.ping().then(
        (r) => r === 'PONG',
        () => false,
      ),
      failed,
      sleep(500).then(() => false),
    ]);
    if (ready) return { port, dir, proc, admin };
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      admin.disconnect();
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await sleep(50);
  }
}
