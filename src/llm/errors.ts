// Typed errors of the LLM layer. All extend SchemacrewError so the CLI maps them to exit codes.
import { ExitCode, SchemacrewError } from '../errors.js';
import type { Usage } from './types.js';

/** The model answered twice with something that is not valid JSON for the schema. */
export class SchemaError extends SchemacrewError {
  constructor(
    readonly schemaName: string,
    /** Every raw answer the model gave, in order (first answer, re-asked answer). */
    readonly rawAnswers: string[],
    /** The validation error of the last answer (JSON syntax or zod issues). */
    readonly validationError: string,
    readonly provider: string,
    readonly model: string,
    /** Tokens spent on the failed attempts (they are billed all the same). */
    readonly usage: Usage,
    readonly costUsd: number,
  ) {
    super(
      `${provider}/${model}: the answer did not match schema "${schemaName}" after ${rawAnswers.length} attempts: ${validationError}`,
      ExitCode.Failed,
    );
    this.name = 'SchemaError';
  }
}

/** One attempt took longer than timeoutMs (retried), or the last retry did too (thrown). */
export class LlmTimeoutError extends SchemacrewError {
  constructor(
    readonly timeoutMs: number,
    readonly attempts = 1,
    readonly queueKey?: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${queueKey ? `${queueKey}: ` : ''}LLM call timed out after ${timeoutMs} ms` +
        (attempts > 1 ? ` (${attempts} attempts)` : ''),
      ExitCode.Failed,
    );
    this.name = 'LlmTimeoutError';
    if (options && 'cause' in options) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** A provider call failed for good: a non-retryable HTTP status, or retries exhausted. */
export class LlmProviderError extends SchemacrewError {
  constructor(
    message: string,
    readonly kind: 'rate_limit' | 'server' | 'connection' | 'client',
    readonly status: number | undefined,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, ExitCode.Failed);
    this.name = 'LlmProviderError';
    if (options && 'cause' in options) (this as { cause?: unknown }).cause = options.cause;
  }
}

/**
 * A request made during `--replay` matched no recorded exchange. Never retried: the retry
 * layer finds it anywhere in an error's cause chain and rethrows it as is.
 */
export class CassetteMismatchError extends SchemacrewError {
  constructor(
    readonly cassette: string,
    readonly method: string,
    readonly path: string,
    /** Short diff of the request body against the nearest recorded one. */
    readonly diff: string,
  ) {
    super(
      `cassette "${cassette}": no recorded exchange matches ${method} ${path}\n${diff}`,
      ExitCode.Failed,
    );
    this.name = 'CassetteMismatchError';
  }
}

/** Walks err, err.cause, err.cause.cause... and returns the first instance of the class. */
export function findInCauseChain<E extends Error>(
  err: unknown,
  klass: abstract new (...args: never[]) => E,
): E | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 10 && cur != null; depth++) {
    if (cur instanceof klass) return cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}
