// The fake provider server speaks enough OpenAI and Anthropic for the real SDKs (JSON and SSE).
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MigrationAnswer, ReviewAnswer } from '../../src/agents/schemas.js';
import { LlmProviderError } from '../../src/llm/errors.js';
import { exampleFromJsonSchema, start, tokensOf, type FakeServer } from '../../src/llm/fake-server.js';
import { createFakeClock } from '../../src/llm/queue.js';
import { buildProvider, reviewRequest, writeRequest } from './scenarios.js';

let server: FakeServer;
beforeEach(async () => {
  server = await start({ cacheMinTokens: 0 });
});
afterEach(async () => {
  await server.close();
});

const openai = () => new OpenAI({ apiKey: 'sk-x', baseURL: server.openaiBaseURL, maxRetries: 0 });
const anthropic = () => new Anthropic({ apiKey: 'sk-ant-x', baseURL: server.anthropicBaseURL, maxRetries: 0 });

describe('fake server, OpenAI side', () => {
  it('answers JSON with usage and an x-request-id header; caches a repeated system prompt', async () => {
    const body = {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system' as const, content: 'You are the reviewer.' },
        { role: 'user' as const, content: 'Review this.' },
      ],
      response_format: { type: 'json_schema' as const, json_schema: { name: 'review', schema: { type: 'object' } } },
    };
    const a = await openai().chat.completions.create(body);
    expect(a._request_id).toBe('req_fake000001');
    expect(ReviewAnswer.parse(JSON.parse(a.choices[0]!.message.content!))).toBeTruthy();
    expect(a.usage!.completion_tokens).toBe(tokensOf(a.choices[0]!.message.content!));
    expect(a.usage!.prompt_tokens_details!.cached_tokens).toBe(0);
    const b = await openai().chat.completions.create(body);
    expect(b.usage!.prompt_tokens_details!.cached_tokens).toBe(tokensOf('You are the reviewer.'));
    expect(server.requests.map((r) => [r.provider, r.schemaName, r.system])).toEqual([
      ['openai', 'review', 'You are the reviewer.'],
      ['openai', 'review', 'You are the reviewer.'],
    ]);
  });

  it('streams SSE chunks with stream_options.include_usage', async () => {
    const stream = await openai().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'write' }],
      response_format: { type: 'json_schema', json_schema: { name: 'migration', schema: { type: 'object' } } },
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(MigrationAnswer.parse(JSON.parse(text))).toBeTruthy();
    expect(finish).toBe('stop');
    expect(usage!.completion_tokens).toBe(tokensOf(text));
    expect(server.requests[0]!.stream).toBe(true);
  });

  it('serves faults from the queue: 429 with Retry-After, 500, truncated JSON, schema violations', async () => {
    server.pushFault({ kind: 'rate_limit', retryAfter: 7 }, { kind: 'server_error' }, { kind: 'truncated' }, { kind: 'schema_violation' });
    const body = { model: 'm', messages: [{ role: 'user' as const, content: 'x' }] };
    const e429 = await openai().chat.completions.create(body).catch((e: unknown) => e);
    expect(e429).toBeInstanceOf(OpenAI.RateLimitError);
    expect((e429 as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('7');
    const e500 = await openai().chat.completions.create(body).catch((e: unknown) => e);
    expect((e500 as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
    const cut = await openai().chat.completions.create(body);
    expect(cut.choices[0]!.finish_reason).toBe('length');
    expect(() => JSON.parse(cut.choices[0]!.message.content!)).toThrow();
    const wrong = await openai().chat.completions.create(body);
    expect(JSON.parse(wrong.choices[0]!.message.content!)).toEqual({ unexpected: 'this answer ignores the schema' });
    expect(server.requests.map((r) => r.fault)).toEqual(['rate_limit', 'server_error', 'truncated', 'schema_violation']);
    expect(server.pendingFaults).toEqual([]);
  });

  it('answers tool calls when a function is forced (LangChain functionCalling)', async () => {
    const res = await openai().chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'function', function: { name: 'review', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'review' } },
    });
    const call = res.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function.name).toBe('review');
    expect(call.type === 'function' && ReviewAnswer.parse(JSON.parse(call.function.arguments))).toBeTruthy();
  });
});

describe('fake server, Anthropic side', () => {
  it('answers JSON with request-id and cache_read_input_tokens for a cached system prefix', async () => {
    const params = {
      model: 'claude-haiku-4-5',
      max_tokens: 500,
      system: [{ type: 'text' as const, text: 'You are Alex.', cache_control: { type: 'ephemeral' as const } }],
      messages: [{ role: 'user' as const, content: 'write' }],
      output_config: { format: { type: 'json_schema' as const, schema: { type: 'object', properties: { up_sql: { type: 'string' } } } } },
    };
    const first = await anthropic().messages.create(params);
    expect(first._request_id).toBe('req_fake000001');
    expect(first.usage.cache_creation_input_tokens).toBe(tokensOf('You are Alex.'));
    expect(first.usage.cache_read_input_tokens).toBe(0);
    const second = await anthropic().messages.create(params);
    expect(second.usage.cache_read_input_tokens).toBe(tokensOf('You are Alex.'));
    const block = second.content[0]!;
    expect(block.type === 'text' && MigrationAnswer.parse(JSON.parse(block.text))).toBeTruthy();
    expect(server.requests[1]!.schemaName).toBe('migration');
  });

  it('streams message_start … message_stop events', async () => {
    const stream = anthropic().messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 500,
      system: 'You review.',
      messages: [{ role: 'user', content: 'review' }],
      output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: { verdict: { type: 'string' } } } } },
    });
    const types: string[] = [];
    stream.on('streamEvent', (e) => types.push(e.type));
    const msg = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types).toContain('content_block_delta');
    const block = msg.content[0]!;
    expect(block.type === 'text' && ReviewAnswer.parse(JSON.parse(block.text))).toBeTruthy();
    expect(msg.usage.output_tokens).toBeGreaterThan(1);
    expect(msg.stop_reason).toBe('end_turn');
  });

  it('returns Anthropic-shaped errors', async () => {
    server.pushFault({ kind: 'server_error', status: 529, provider: 'anthropic' });
    const err = await anthropic()
      .messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect(JSON.stringify((err as InstanceType<typeof Anthropic.APIError>).error)).toContain('overloaded_error');
  });
});

describe('fake server with the adapters', () => {
  it('uses a pluggable responder and records every request', async () => {
    server.setResponder((req) =>
      req.schemaName === 'review'
        ? { verdict: 'request_changes', summary: `for ${req.provider}`, comments: [] }
        : { title: 'T', rationale: 'R', up_sql: 'SELECT 1;', down_sql: '', notes: req.messages[0]!.content },
    );
    const endpoints = { openai: server.openaiBaseURL, anthropic: server.anthropicBaseURL };
    const clock = createFakeClock();
    const w = await buildProvider('anthropic', endpoints, clock).provider.complete(writeRequest('anthropic', 'e9', 'do it'));
    expect(w.value.notes).toBe('Roadmap entry e9: do it');
    const r = await buildProvider('openai', endpoints, clock).provider.complete(reviewRequest('openai', 'e9', 'SELECT 1;'));
    expect(r.value).toEqual({ verdict: 'request_changes', summary: 'for openai', comments: [] });
    expect(server.requests.map((q) => `${q.provider}:${q.schemaName}`)).toEqual(['anthropic:migration', 'openai:review']);
  });

  it('drops connections on demand; the adapters retry them', async () => {
    server.pushFault({ kind: 'disconnect' });
    const endpoints = { openai: server.openaiBaseURL, anthropic: server.anthropicBaseURL };
    const { provider, queue } = buildProvider('openai', endpoints, createFakeClock());
    const r = await provider.complete(writeRequest('openai', 'e1', 'x'));
    expect(r.attempts).toBe(1);
    expect(queue.stats.retries).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up on persistent 500s after the bounded retries', async () => {
    for (let i = 0; i < 4; i++) server.pushFault({ kind: 'server_error' });
    const endpoints = { openai: server.openaiBaseURL, anthropic: server.anthropicBaseURL };
    const { provider } = buildProvider('anthropic', endpoints, createFakeClock(), { maxRetries: 3 });
    const err = await provider.complete(writeRequest('anthropic', 'e1', 'x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmProviderError);
    expect((err as LlmProviderError).status).toBe(500);
    expect(server.requests).toHaveLength(4);
  });

  it('honours a real Retry-After: 1 (live timing)', async () => {
    server.pushFault({ kind: 'rate_limit', retryAfter: 1 });
    const endpoints = { openai: server.openaiBaseURL, anthropic: server.anthropicBaseURL };
    const { provider } = buildProvider('openai', endpoints, (await import('../../src/llm/queue.js')).systemClock);
    await provider.complete(writeRequest('openai', 'e1', 'x'));
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.receivedAt - server.requests[0]!.receivedAt).toBeGreaterThanOrEqual(1000);
  });

  it('builds an example answer for unknown schemas', () => {
    expect(
      exampleFromJsonSchema({
        type: 'object',
        properties: { a: { type: 'string' }, b: { type: ['integer', 'null'] }, c: { enum: ['x', 'y'] }, d: { type: 'array', items: { type: 'string' } } },
      }),
    ).toEqual({ a: 'example', b: 0, c: 'x', d: [] });
  });
});
