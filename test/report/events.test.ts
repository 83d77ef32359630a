import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventLog, redact, redactString } from '../../src/report/events.js';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'schemacrew-events-'));
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const FAKE_KEY = 'sk-test-FAKEKEY1234567890abcdef';

describe('EventLog', () => {
  it('writes one line per event, flushed as it goes, with ts, seq and type', () => {
    const file = path.join(root, 'a', 'events.jsonl');
    const log = new EventLog(file, { now: () => new Date('2025-03-01T09:00:00.000Z') });
    log.emit('run_started', { runId: 'r1' });
    // Already on disk before close.
    expect(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    log.emit('entry_started', { entryId: 'day-01', seq: 99, type: 'nope' });
    log.emit('finding', { rule: 'fk-missing-index', objects: ['t.a'] });
    log.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    const events = EventLog.read(file);
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'run_started'],
      [2, 'entry_started'],
      [3, 'finding'],
    ]);
    expect(events[0]).toEqual({ ts: '2025-03-01T09:00:00.000Z', seq: 1, type: 'run_started', runId: 'r1' });
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(['ts', 'seq', 'type', 'runId']);
  });

  it('continues seq after reopening, even after a torn last line', () => {
    const file = path.join(root, 'b', 'events.jsonl');
    const first = EventLog.open(file);
    first.emit('run_started');
    first.emit('entry_started', { entryId: 'day-01' });
    first.close();
    fs.appendFileSync(file, '{"ts":"2025-0'); // a write cut short by kill -9
    const second = EventLog.open(file);
    expect(second.lastSeq).toBe(2);
    const e = second.emit('entry_finished', { entryId: 'day-01' });
    second.close();
    expect(e.seq).toBe(3);
    expect(EventLog.read(file).map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(() => second.emit('error')).toThrow(/closed/);
  });

  it('reads a missing file as no events', () => {
    expect(EventLog.read(path.join(root, 'nope.jsonl'))).toEqual([]);
  });

  describe('redaction', () => {
    const saved = { ...process.env };
    afterEach(() => {
      process.env = { ...saved };
    });

    it('never writes API keys, bearer tokens or postgres passwords', () => {
      process.env.ANTHROPIC_API_KEY = 'plain-secret-value-without-prefix';
      const file = path.join(root, 'c', 'events.jsonl');
      const log = new EventLog(file);
      log.emit('prompt', {
        system: `key is ${FAKE_KEY}.`,
        messages: [{ role: 'user', content: 'Authorization: Bearer abcdefghijklmnop.qrs' }, { role: 'user', content: 'authorization: bearer zyxwvutsrqponm' }],
        url: 'postgres://app:s3cr3t-pass@127.0.0.1:5432/taskpilot',
        url2: 'postgresql://admin:p%40ss@db/x?sslmode=require',
        anthropic: 'sk-ant-api03-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
        env: 'x plain-secret-value-without-prefix y',
        headers: { 'x-api-key': 'whatever', apiKey: 'short' },
        tokens: { input: 10, output: 2 },
        title: 'Create task-assignments table',
      });
      log.close();
      const text = fs.readFileSync(file, 'utf8');
      for (const secret of ['FAKEKEY', 's3cr3t-pass', 'p%40ss', 'abcdefghijklmnop', 'zyxwvutsrqponm', 'ABCDEFGHIJKLMNOP', 'plain-secret-value', 'whatever', 'short']) {
        expect(text).not.toContain(secret);
      }
      const [e] = EventLog.read(file);
      expect(e!.system).toBe('key is [redacted].');
      expect(e!.url).toBe('postgres://app:[redacted]@127.0.0.1:5432/taskpilot');
      expect(e!.url2).toBe('postgresql://admin:[redacted]@db/x?sslmode=require');
      expect(e!.env).toBe('x [redacted] y');
      expect((e!.messages as { content: string }[])[0]!.content).toBe('Authorization: Bearer [redacted]');
      expect((e!.messages as { content: string }[])[1]!.content).toBe('authorization: bearer [redacted]');
      expect(e!.tokens).toEqual({ input: 10, output: 2 });
      expect(e!.title).toBe('Create task-assignments table');
    });

    it('redact() deep-copies and handles errors, dates and cycles', () => {
      const input: Record<string, unknown> = { at: new Date('2025-01-01T00:00:00Z'), err: new Error(`boom ${FAKE_KEY}`), n: 1n };
      input.self = input;
      const out = redact(input) as Record<string, unknown>;
      expect(out.at).toBe('2025-01-01T00:00:00.000Z');
      expect((out.err as { message: string }).message).toBe('boom [redacted]');
      expect(out.n).toBe('1');
      expect(out.self).toBe('[circular]');
      expect(input.at).toBeInstanceOf(Date);
      expect(redactString('postgres://localhost:5432/db')).toBe('postgres://localhost:5432/db');
      expect(redactString('postgres://u@host/db')).toBe('postgres://u@host/db');
    });
  });
});
