import { CodedError } from '../errors.ts';

export type ArticleErrorCode =
  | 'empty'
  | 'binary'
  | 'too-large'
  | 'no-title'
  | 'bad-input'
  // A fetched page that is no HTML page (a feed, XML, JSON) where a page was expected.
  | 'not-html'
  // Budget codes (guards.ts, workers/build-pool.ts): markup, time or memory beyond a limit.
  | 'too-complex'
  | 'too-slow'
  | 'too-big';

/** Why an input cannot become an article. Retrying will not help, so callers can fail the job for good. */
export class ArticleError extends CodedError<ArticleErrorCode> {
  override name = 'ArticleError';
  constructor(code: ArticleErrorCode, message: string) {
    // Messages are one line: they end up in logs and in replies to editors.
    super(code, message.replace(/\s+/g, ' ').trim());
  }
}
