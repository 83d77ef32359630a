// Default endpoints, kept apart from the adapters so config code can use them without loading SDKs.
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** True for OpenAI's own API (which needs a key and takes max_completion_tokens). */
export function isOfficialOpenAI(baseURL: string): boolean {
  try {
    return new URL(baseURL).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}
