// Replay: unmatched requests fail at once naming the cassette, identical requests replay in
// order, volatile fields are ignored, the network (loopback included) is locked.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CassetteMismatchError } from '../../src/llm/errors.js';
import { normaliseBody, replayCassette, requestKey, type ReplayHandle } from '../../src/llm/cassette.js';
import { createFakeClock } from '../../src/llm/queue.js';
import { REPLAY_BASE, buildProvider, scenario, writeRequest } from './scenarios.js';

let handle: ReplayHandle | undefined;
afterEach(() => {
  handle?.restore();
  handle = undefined;
});

describe('replayCassette', () => {
  it('fails an unmatched request at once, naming the cassette, with a diff against the nearest recorded one', async () => {
    handle = await replayCassette('llm-openai-plain');
    const retries: unknown[] = [];
    const { provider, queue } = buildProvider('openai', REPLAY_BASE, createFakeClock(), { onRetry: (i) => retries.push(i) });
    const req = writeRequest('openai', 'e1', 'add a users table with a phone number.');
    const err = await provider.complete(req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CassetteMismatchError);
    const msg = (err as Error).message;
    expect(msg).toContain('cassette "llm-openai-plain"');
    expect(msg).toContain('POST /v1/chat/completions');
    expect(msg).toContain('nearest recorded request: #1');
    expect(msg).toContain('- messages[1].content: "Roadmap entry e1: add a users table with an email address."');
    expect(msg).toContain('+ messages[1].content: "Roadmap entry e1: add a users table with a phone number."');
    // Never retried.
    expect(retries).toEqual([]);
    expect(queue.stats.attempts).toBe(1);
    expect(handle.mismatches).toHaveLength(1);
    expect(handle.unused().map((e) => e.index)).toEqual([1]);
    expect(() => handle!.done({ strict: true })).toThrow(/1 recorded exchange\(s\) not replayed.*1 request\(s\) matched nothing/);
  });

  it('replays identical requests in recorded order and fails when asked more often than recorded', async () => {
    handle = await replayCassette('llm-openai-usage');
    const { provider } = buildProvider('openai', REPLAY_BASE, createFakeClock());
    const s = scenario('openai', 'usage');
    const first = await provider.complete(s.calls[0]!);
    expect(first.requestId).toBe('req_fake000001');
    const again = await provider.complete(s.calls[0]!).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(CassetteMismatchError);
    expect((again as Error).message).toMatch(/already replayed[\s\S]*more times than it was recorded/);
  });

  it('answers same-body requests with the recorded answers in recorded order (429, then 200)', async () => {
    handle = await replayCassette('llm-anthropic-rate-limit');
    const body = handle.exchanges[0]!.request.body;
    expect(handle.exchanges[1]!.request.body).toEqual(body);
    const ask = () =>
      fetch('http://anywhere.invalid/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const a = await ask();
    const b = await ask();
    expect([a.status, b.status]).toEqual([429, 200]);
    expect(a.headers.get('retry-after')).toBe('1');
    expect(b.headers.get('request-id')).toBe('req_fake000002');
    expect(((await b.json()) as { type: string }).type).toBe('message');
    expect(handle.done({ strict: true }).unused).toEqual([]);
  });

  it('ignores volatile fields (user, metadata, stream_options, request ids) when matching', async () => {
    handle = await replayCassette('llm-openai-plain');
    const body = {
      ...(handle.exchanges[0]!.request.body as Record<string, unknown>),
      user: 'someone-else',
      metadata: { run: 'abc' },
      stream_options: { include_usage: true },
      request_id: 'r-123',
    };
    const res = await fetch('http://api.openai.invalid/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    expect(requestKey('POST', '/x', body)).toBe(requestKey('POST', '/x', handle.exchanges[0]!.request.body));
    expect(normaliseBody({ a: { idempotency_key: 'k', b: 1 }, user: 'u' })).toEqual({ a: { b: 1 } });
  });

  it('locks the network during replay, loopback included, and unlocks loopback on restore', async () => {
    const server = http.createServer((_req, res) => res.end('live'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
    try {
      handle = await replayCassette('llm-openai-plain');
      const err = await fetch(url, { method: 'POST', body: '{"model":"x"}', headers: { 'content-type': 'application/json' } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CassetteMismatchError);
      expect((err as Error).message).toContain('cassette "llm-openai-plain"');
      handle.restore();
      handle = undefined;
      const live = await fetch(url, { method: 'POST', body: '{}' });
      expect(await live.text()).toBe('live');
    } finally {
      server.close();
    }
  });

  it('names the cassette when it does not exist', async () => {
    await expect(replayCassette('llm-openai-no-such-cassette')).rejects.toThrow(/cassette "llm-openai-no-such-cassette" not found/);
  });
});
