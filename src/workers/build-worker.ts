import { parentPort } from 'node:worker_threads';
import { ArticleError, type ArticleErrorCode } from '../article/errors.ts';
import { type BuildOptions, buildArticle } from '../article/pipeline.ts';
import type { Article, RawArticle } from '../article/types.ts';

// The thread side of build-pool.ts: one build at a time, answers by task id. Errors travel as
// plain data: a structured-cloned Error loses its class and its code.

export interface BuildTask {
  id: number;
  raw: RawArticle;
  opts?: BuildOptions;
}

export type BuildReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; article: Article }
  | { type: 'refused'; id: number; code: ArticleErrorCode; message: string }
  | { type: 'failed'; id: number; message: string };

function run(task: BuildTask): BuildReply {
  try {
    return { type: 'done', id: task.id, article: buildArticle(task.raw, task.opts) };
  } catch (err) {
    if (err instanceof ArticleError) {
      return { type: 'refused', id: task.id, code: err.code, message: err.message };
    }
    // Recursion the guards did not foresee: the same input overflows every time.
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      return {
        type: 'refused',
        id: task.id,
        code: 'too-complex',
        message: 'The page is too deeply structured to read.',
      };
    }
    return {
      type: 'failed',
      id: task.id,
      message: err instanceof Error ? err.message : String(err),
    };
  }
}

const port = parentPort;
if (port) {
  port.on('message', (task: BuildTask) => port.postMessage(run(task)));
  port.postMessage({ type: 'ready' } satisfies BuildReply);
}
