import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rejects } from '../helpers/errors.js';
import { loadCast, loadPersona, parsePersona } from '../../src/scenario/personas.js';
import { isKnownRuleId } from '../../src/scenario/rule-ids.js';
import { AGENTS_DIR } from '../../src/scenario/scenario.js';

const ENGINEERS = ['alex', 'sam', 'jordan', 'database-engineer', 'data-engineer'];


describe('the cast in agents/', () => {
  it('loads every engineer with the documented error rates', async () => {
    const cast = await loadCast(AGENTS_DIR, ENGINEERS);
    expect([...cast.keys()]).toEqual(ENGINEERS);
    const rate = (id: string) => cast.get(id)!.errorRate;
    expect(rate('alex')).toBe(0.1);
    expect(rate('sam')).toBe(0.25);
    expect(rate('jordan')).toBe(0.4);
    expect(rate('database-engineer')).toBe(0.08);
    expect(rate('data-engineer')).toBe(0.15);
    expect(cast.get('database-engineer')!.name).toBe('Morgan');
    expect(cast.get('data-engineer')!.name).toBe('Priya');
    for (const p of cast.values()) {
      expect(p.kind).toBe('engineer');
      expect(p.file).toBe(path.join(AGENTS_DIR, `${p.id}.md`));
      expect(p.prompt).toMatch(/^You are /);
      expect(p.style.length).toBeGreaterThan(0);
      expect(Object.keys(p.tendencies).length).toBeGreaterThan(0);
      for (const [rule, w] of Object.entries(p.tendencies)) {
        expect(isKnownRuleId(rule), rule).toBe(true);
        expect(w).toBeGreaterThan(0);
      }
      expect(p.strictness).toBeUndefined();
    }
    expect(cast.get('jordan')!.tendencies['fk-missing-index']).toBe(3);
    expect(cast.get('sam')!.tendencies['redundant-index']).toBe(3);
    expect(cast.get('alex')!.tendencies['redundant-index']).toBe(2);
  });

  it('loads the reviewer', async () => {
    const r = await loadPersona(path.join(AGENTS_DIR, 'reviewer.md'));
    expect(r).toMatchObject({ id: 'reviewer', kind: 'reviewer', errorRate: 0, strictness: 0.6 });
    expect(r.prompt).toMatch(/review/i);
  });

  it('describes how each persona writes a migration header', async () => {
    const cast = await loadCast(AGENTS_DIR, ['alex', 'jordan']);
    expect(cast.get('alex')!.prompt).toMatch(/Query patterns supported/);
    expect(cast.get('jordan')!.prompt).toMatch(/single terse comment line/);
  });
});

describe('bad persona files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'schemacrew-personas-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const front = (extra: string) =>
    `---\nid: foo\nname: Foo\nrole: Tester\nkind: engineer\nyears: 2\n${extra}---\nYou are Foo.\n`;

  async function load(text: string, name = 'foo.md') {
    const file = path.join(dir, name);
    await writeFile(file, text);
    return loadPersona(file);
  }

  it('accepts a minimal persona and maps snake_case keys', async () => {
    const p = await load(front('error_rate: 0.3\ntendencies:\n  wide-table: 2\n'));
    expect(p).toMatchObject({ id: 'foo', errorRate: 0.3, tendencies: { 'wide-table': 2 }, style: [], prompt: 'You are Foo.' });
  });

  it('names the line of an out-of-range error_rate', async () => {
    const err = await rejects(load(front('error_rate: 1.5\n')));
    expect(err.file).toBe(path.join(dir, 'foo.md'));
    expect(err.line).toBe(7);
    expect(err.detail).toMatch(/error_rate.*1\.5/);
  });

  it('names the line of a YAML syntax error', async () => {
    const err = await rejects(load('---\nid: foo\nname: Foo\nid: again\n---\nYou are Foo.\n'));
    expect(err.line).toBe(4);
    expect(err.detail).toMatch(/invalid YAML/);
    const err2 = await rejects(load('---\nid: foo\nname: [unclosed\nrole: x\n---\nYou are Foo.\n'));
    expect(err2.message).toMatch(/foo\.md:\d+: invalid YAML/);
    expect(err2.line).toBeGreaterThanOrEqual(3);
  });

  it('rejects unknown tendencies, unknown keys, missing keys, a wrong id and an empty prompt', async () => {
    const tend = await rejects(load(front('error_rate: 0.2\ntendencies:\n  fk-missing-index: 1\n  made-up-rule: 2\n')));
    expect(tend.line).toBe(10);
    expect(tend.detail).toMatch(/unknown rule id "made-up-rule"/);
    const camel = await rejects(load(front('error_rate: 0.2\nerrorRate: 0.2\n')));
    expect(camel.line).toBe(8);
    expect(camel.detail).toMatch(/unknown key "errorRate"/);
    const missing = await rejects(load('---\nid: foo\nname: Foo\nrole: R\nkind: engineer\nyears: 1\n---\nYou are Foo.\n'));
    expect(missing.detail).toMatch(/missing required key "error_rate"/);
    const stem = await rejects(load(front('error_rate: 0.2\n'), 'bar.md'));
    expect(stem.line).toBe(2);
    expect(stem.detail).toMatch(/must equal the file name "bar"/);
    const empty = await rejects(load(front('error_rate: 0.2\n').replace('You are Foo.\n', '\n')));
    expect(empty.detail).toMatch(/prompt .* is empty/);
    const noFront = await rejects(load('# Foo\nYou are Foo.\n'));
    expect(noFront.line).toBe(1);
  });

  it('rejects two personas with the same name', async () => {
    await writeFile(path.join(dir, 'a1.md'), front('error_rate: 0.1\n').replace('id: foo', 'id: a1'));
    await writeFile(path.join(dir, 'a2.md'), front('error_rate: 0.1\n').replace('id: foo', 'id: a2'));
    const err = await rejects(loadCast(dir, ['a1', 'a2']));
    expect(err.file).toBe(path.join(dir, 'a2.md'));
    expect(err.detail).toMatch(/name "Foo" is already used/);
  });

  it('parses text directly', () => {
    expect(() => parsePersona(front('error_rate: -1\n'), '/x/foo.md')).toThrow(/foo\.md:7:/);
  });
});
