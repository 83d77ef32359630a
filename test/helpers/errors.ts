// Awaits a promise that must fail with an InputError (bad input: file, line, exit code 2).
import { expect } from 'vitest';
import { InputError } from '../../src/errors.js';

export async function rejects(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}
