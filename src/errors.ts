// One error type that carries the process exit code, so the CLI can map failures without guessing.
export const ExitCode = {
  Ok: 0,
  /** Completed, but failed/rejected entries or blocking findings above the threshold. */
  Failed: 1,
  /** Bad flags, config or input files. */
  BadInput: 2,
  /** Stopped by budget or signal; resumable. */
  Stopped: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class SchemacrewError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Failed,
  ) {
    super(message);
    this.name = 'SchemacrewError';
  }
}

/** Bad input: names the file (and line when known) and what is wrong. */
export class InputError extends SchemacrewError {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${detail}`, ExitCode.BadInput);
    this.name = 'InputError';
  }
}
