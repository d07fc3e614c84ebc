import { Worker } from 'node:worker_threads';
import { ArticleError, type ArticleErrorCode } from '../article/errors.ts';
import { ArticleBudgetError, type BudgetCode } from '../article/guards.ts';
import type { BuildOptions } from '../article/pipeline.ts';
import type { Article, RawArticle } from '../article/types.ts';
import type { Logger } from '../logger.ts';
import type { BuildReply, BuildTask } from './build-worker.ts';

// buildArticle (decoding, linkedom, Readability, cleaning, summarizing) in worker threads, so
// a hostile page costs a thread its budget instead of stalling the event loop that answers
// users and renews job locks. Each build has a time budget, counted from the moment a ready
// thread takes it (never queue or start-up time), and each thread a heap limit; past either,
// the thread is terminated and replaced and the caller gets an ArticleBudgetError.
// node:worker_threads rather than a pool library: piscina's per-task AbortSignal also counts
// the time a task waits in its queue and while a replacement thread boots, which would fail
// the good article queued behind a hostile one.

export interface BuildPoolOptions {
  /** Builds run in parallel (threads). */
  threads: number;
  /** Budget of one build, from the moment a thread takes it. */
  timeoutMs: number;
  /** Heap limit of each thread (V8 old generation). */
  maxMemoryMb: number;
  logger?: Logger;
}

/** Builds articles off the event loop. Created once per process (services.ts). */
export interface ArticleBuilder {
  /**
   * buildArticle in a worker thread. Rejects with ArticleError when the input is no article,
   * ArticleBudgetError ('too-complex' | 'too-slow' | 'too-big') when it costs too much (both
   * permanent), and a plain Error when a thread failed for another reason (worth a retry).
   */
  build(raw: RawArticle, opts?: BuildOptions): Promise<Article>;
  /** Rejects what waits, terminates the threads. */
  close(): Promise<void>;
}

interface Pending {
  task: BuildTask;
  resolve: (article: Article) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  current?: Pending;
  timer?: NodeJS.Timeout;
}

// The worker's entry is TypeScript: tsx's loader is registered inside the thread before it is
// imported. `--import tsx` in execArgv does not reach a worker's entry module on Node 20, and an
// explicit execArgv keeps a test runner's own flags out of the thread.
const WORKER_URL = new URL('./build-worker.ts', import.meta.url).href;
const BOOTSTRAP = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(WORKER_URL)}); });`;

const BUDGET_CODES: ReadonlySet<string> = new Set<BudgetCode>([
  'too-complex',
  'too-slow',
  'too-big',
]);

function isBudgetCode(code: ArticleErrorCode): code is BudgetCode {
  return BUDGET_CODES.has(code);
}

export function createBuildPool(options: BuildPoolOptions): ArticleBuilder {
  const { timeoutMs, maxMemoryMb, logger } = options;
  const threads = Math.max(1, options.threads);
  const slots = new Set<Slot>();
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;

  function spawn(): void {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb },
    });
    const slot: Slot = { worker, ready: false };
    slots.add(slot);
    // An idle thread must not keep a process (the CLI, a test) alive.
    worker.unref();
    worker.on('message', (reply: BuildReply) => {
      if (reply.type === 'ready') {
        slot.ready = true;
        pump();
        return;
      }
      const pending = slot.current;
      if (pending === undefined || pending.task.id !== reply.id) return;
      if (reply.type === 'done') settle(slot, () => pending.resolve(reply.article));
      else if (reply.type === 'refused') {
        const err = isBudgetCode(reply.code)
          ? new ArticleBudgetError(reply.code, reply.message)
          : new ArticleError(reply.code, reply.message);
        settle(slot, () => pending.reject(err));
      } else
        settle(slot, () => pending.reject(new Error(`article build failed: ${reply.message}`)));
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const pending = slot.current;
      retire(slot);
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        logger?.warn({ maxMemoryMb }, 'article build over its memory budget; thread replaced');
        pending?.reject(
          new ArticleBudgetError('too-big', `The page needs more than ${maxMemoryMb} MB to read.`),
        );
      } else {
        logger?.error({ err: err.message }, 'article build thread crashed');
        pending?.reject(new Error(`article build thread crashed: ${err.message}`));
      }
      if (!slot.ready) failQueue(`the article build thread did not start: ${err.message}`);
    });
    worker.on('exit', (code) => {
      const pending = slot.current;
      const wasReady = slot.ready;
      retire(slot);
      pending?.reject(new Error(`article build thread exited (code ${code})`));
      if (!wasReady && !closed)
        failQueue(`the article build thread exited on start (code ${code})`);
      pump();
    });
  }

  /** Forgets a slot (its pending task is the caller's to settle). */
  function retire(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.current = undefined;
    slots.delete(slot);
  }

  function failQueue(message: string): void {
    // A thread that cannot even start would be respawned forever: fail what waits instead
    // (plain errors, so the jobs retry later), and spawn again on the next build.
    for (const pending of queue.splice(0)) pending.reject(new Error(message));
  }

  function settle(slot: Slot, done: () => void): void {
    clearTimeout(slot.timer);
    slot.current = undefined;
    slot.worker.unref();
    done();
    pump();
  }

  function dispatch(slot: Slot, pending: Pending): void {
    slot.current = pending;
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      retire(slot);
      void slot.worker.terminate();
      logger?.warn({ timeoutMs }, 'article build over its time budget; thread replaced');
      pending.reject(
        new ArticleBudgetError(
          'too-slow',
          `Reading the page took longer than ${formatSeconds(timeoutMs)}; it was stopped.`,
        ),
      );
      pump();
    }, timeoutMs);
    try {
      slot.worker.postMessage(pending.task);
    } catch (err) {
      // Not cloneable (not plain JSON): the thread never saw it.
      settle(slot, () =>
        pending.reject(
          err instanceof Error ? err : new Error('the article cannot be sent to a thread'),
        ),
      );
    }
  }

  function pump(): void {
    if (closed) return;
    while (queue.length > 0) {
      const idle = [...slots].find((s) => s.ready && s.current === undefined);
      if (idle === undefined) break;
      const next = queue.shift();
      if (next !== undefined) dispatch(idle, next);
    }
    // Threads are started when work waits for them, up to the limit; each lives until closed.
    const starting = [...slots].filter((s) => !s.ready).length;
    if (queue.length > starting && slots.size < threads) spawn();
  }

  return {
    build(raw, opts) {
      if (closed) return Promise.reject(new Error('the article build pool is closed'));
      return new Promise<Article>((resolve, reject) => {
        const task: BuildTask =
          opts === undefined ? { id: nextId++, raw } : { id: nextId++, raw, opts };
        queue.push({ task, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const pending of queue.splice(0)) {
        pending.reject(new Error('the article build pool is closed'));
      }
      const all = [...slots];
      for (const slot of all) {
        slot.current?.reject(new Error('the article build pool is closed'));
        retire(slot);
      }
      await Promise.all(all.map((slot) => slot.worker.terminate()));
    },
  };
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
