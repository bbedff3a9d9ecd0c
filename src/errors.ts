/**
 * Typed errors. Each says its HTTP status, a stable machine `code`, and whether retrying can help,
 * so job processors and the API never classify errors by matching message text.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryable: boolean;
  readonly details?: Record<string, unknown>;
  constructor(
    code: string,
    message: string,
    opts: { status?: number; retryable?: boolean; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = opts.status ?? 500;
    this.retryable = opts.retryable ?? false;
    this.details = opts.details;
  }
}

export interface FieldError {
  path: string;
  message: string;
}

export class ValidationError extends AppError {
  readonly errors: FieldError[];
  constructor(errors: FieldError[], message = 'The request is not valid.') {
    super('validation_failed', message, { status: 400 });
    this.errors = errors;
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super('not_found', `${what} ${id} was not found.`, { status: 404, details: { resource: what, id } });
  }
}

export class ConflictError extends AppError {
  /** The request fields the conflict is about (`applications.1.amountMinor`), when it is about some. */
  readonly errors?: FieldError[];
  constructor(code: string, message: string, details?: Record<string, unknown>, errors?: FieldError[]) {
    super(code, message, { status: 409, details });
    this.errors = errors;
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'A valid API key is required.') {
    super('unauthorized', message, { status: 401 });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'This key may not do that.') {
    super('forbidden', message, { status: 403 });
  }
}

/** A failure talking to another system; `retryable` follows the remote status (429/5xx/timeouts yes; 4xx no). */
export class RemoteError extends AppError {
  readonly remoteStatus?: number;
  readonly retryAfterMs?: number;
  constructor(message: string, opts: { remoteStatus?: number; retryable: boolean; retryAfterMs?: number; cause?: unknown }) {
    super('remote_failed', message, { status: 502, retryable: opts.retryable, cause: opts.cause });
    this.remoteStatus = opts.remoteStatus;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** Converts zod issues into field errors with dotted paths such as `lines.0.quantity`. */
export function zodFieldErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): FieldError[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}
