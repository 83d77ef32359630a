// Recording: real SDK calls against the fake server end up as readable files without secrets,
// request headers or gzip hex; and the recorded cassette replays.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { replayCassette, startRecording, stopRecording, type CassetteFile } from '../../src/llm/cassette.js';
import { start, type FakeServer } from '../../src/llm/fake-server.js';
import { createFakeClock } from '../../src/llm/queue.js';
import { FAKE_ANTHROPIC_KEY, FAKE_OPENAI_KEY, buildProvider, writeRequest } from './scenarios.js';

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

let tmp: string | undefined;
let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (tmp) await rm(tmp, { recursive: true, force: true });
  tmp = undefined;
});

describe('startRecording / stopRecording', () => {
  it('records real SDK exchanges without the API key, request headers or volatile response headers', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'schemacrew-cassette-'));
    server = await start();
    await startRecording('llm-openai-record-check', { root: tmp });
    try {
      const clock = createFakeClock();
      const endpoints = { openai: server.openaiBaseURL, anthropic: server.anthropicBaseURL };
      await buildProvider('openai', endpoints, clock).provider.complete(writeRequest('openai', 'e1', 'add a users table.'));
      await buildProvider('anthropic', endpoints, clock).provider.complete(writeRequest('anthropic', 'e1', 'add a users table.'));
    } finally {
      await stopRecording();
    }
    // The keys were really sent...
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${FAKE_OPENAI_KEY}`);
    const anthropicHeaders = server.requests[1]!.headers;
    expect(`${anthropicHeaders['x-api-key'] ?? ''} ${anthropicHeaders.authorization ?? ''}`).toContain(FAKE_ANTHROPIC_KEY);

    const files = (await walk(tmp)).sort();
    expect(files.map((f) => path.basename(f))).toEqual(['001-post-v1-chat-completions.json', '002-post-v1-messages.json']);
    for (const f of files) {
      const text = await readFile(f, 'utf8');
      const doc = JSON.parse(text) as CassetteFile & { request: Record<string, unknown> };
      expect(Object.keys(doc.request).sort()).toEqual(['body', 'method', 'origin', 'path']);
      expect(doc.request.origin).toBe('http://127.0.0.1:*');
      expect(text).not.toMatch(/authorization|x-api-key|x-stainless|anthropic-version|cookie|openai-organization/i);
      for (const h of Object.keys(doc.response.headers)) expect(h).toMatch(/^(content-type|retry-after(-ms)?|(x-)?request-id)$/);
      expect(typeof doc.response.body).toBe('object'); // decoded JSON, not hex
    }
    // ...and appear nowhere in what was written, nor anywhere under fixtures/.
    const written = [...files, ...(await walk(path.resolve('fixtures')))];
    expect(written.length).toBeGreaterThan(2);
    for (const f of written) {
      const text = await readFile(f, 'utf8');
      expect(text.includes(FAKE_OPENAI_KEY), f).toBe(false);
      expect(text.includes(FAKE_ANTHROPIC_KEY), f).toBe(false);
      expect(text.includes('FAKEKEY'), f).toBe(false);
    }

    // The fresh recording replays with the server gone.
    await server.close();
    server = undefined;
    const handle = await replayCassette('llm-openai-record-check', { root: tmp });
    try {
      const { provider } = buildProvider('openai', { openai: 'http://replay.invalid/v1', anthropic: 'http://replay.invalid' }, createFakeClock());
      const r = await provider.complete(writeRequest('openai', 'e1', 'add a users table.'));
      expect(r.requestId).toBe('req_fake000001');
      expect(handle.unused().map((e) => e.index)).toEqual([2]);
    } finally {
      handle.restore();
    }
  });

  it('stores compressed responses decoded, so a person can read and edit them', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'schemacrew-cassette-'));
    const gz = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'set-cookie': 'session=secret' });
      res.end(gzipSync(JSON.stringify({ hello: 'world', n: 1 })));
    });
    await new Promise<void>((r) => gz.listen(0, '127.0.0.1', () => r()));
    try {
      await startRecording('llm-gzip-check', { root: tmp });
      try {
        const res = await fetch(`http://127.0.0.1:${(gz.address() as AddressInfo).port}/v1/thing`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${FAKE_OPENAI_KEY}` },
          body: JSON.stringify({ q: 1 }),
        });
        expect(await res.json()).toEqual({ hello: 'world', n: 1 });
      } finally {
        await stopRecording();
      }
      const [file] = await walk(tmp);
      const text = await readFile(file!, 'utf8');
      const doc = JSON.parse(text) as CassetteFile;
      expect(doc.response.body).toEqual({ hello: 'world', n: 1 });
      expect(doc.response.headers).toEqual({ 'content-type': 'application/json' });
      expect(doc.request.body).toEqual({ q: 1 });
      expect(text).not.toContain('secret');
      expect(text).not.toContain(FAKE_OPENAI_KEY);
    } finally {
      gz.close();
    }
  });
});
