/**
 * An error with a machine-readable code: callers branch on `code` (and map it to a reply in the
 * person's language), logs and people read `message`.
 */
export class CodedError<C extends string> extends Error {
  readonly code: C;
  constructor(code: C, message: string) {
    super(message);
    this.code = code;
  }
}
