// PromptLibrary: strict templates, partials, helpers, compiled once, hashes for run metadata.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Handlebars from 'handlebars';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PromptLibrary } from '../../src/agents/prompts.js';
import { ExitCode, InputError } from '../../src/errors.js';

const DIR = path.resolve('test/fixtures/prompts');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('PromptLibrary', () => {
  it('loads every *.hbs as a template (partials/ as partials) and renders with nested partials', async () => {
    const lib = await PromptLibrary.load(DIR);
    expect(lib.names()).toEqual(['greeting', 'plain', 'report']);
    expect(lib.render('greeting', { name: 'Alex', role: 'backend', team: 'data' })).toBe(
      'Hello Alex, you are backend.\n-- the data team (sent by schemacrew)\n',
    );
    expect(lib.render('greeting.hbs', { name: 'Sam', role: 'dba', team: 'db' })).toMatch(/^Hello Sam/);
  });

  it('fails on a missing variable, naming the template and the variable (never an empty string)', async () => {
    const lib = await PromptLibrary.load(DIR);
    let err: unknown;
    try {
      lib.render('greeting', { name: 'Alex', team: 'data' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(ExitCode.BadInput);
    expect((err as Error).message).toBe('test/fixtures/prompts/greeting.hbs: missing variable "role"');
    // Inside a partial too.
    expect(() => lib.render('greeting', { name: 'Alex', role: 'x' })).toThrow('test/fixtures/prompts/greeting.hbs: missing variable "team"');
    // With a line number when the template has no partials.
    expect(() => lib.render('plain', {})).toThrow('test/fixtures/prompts/plain.hbs: missing variable "thing" (line 1)');
    expect(() => lib.render('nope', {})).toThrow(/no such prompt template \(have: greeting, plain, report\)/);
  });

  it('has the json, join, percent and eq helpers, and does not HTML-escape', async () => {
    const lib = await PromptLibrary.load(DIR);
    const out = lib.render('report', {
      tables: ['users', 'orders'],
      coverage: 0.1234,
      verdict: 'approve',
      data: { a: [1] },
      sql: "SELECT '<b>' && x FROM \"t\";",
    });
    expect(out).toBe(
      'Tables: users, orders\nCoverage: 12.3%\nApproved\nData: {\n  "a": [\n    1\n  ]\n}\nSQL: SELECT \'<b>\' && x FROM "t";\n',
    );
    expect(lib.render('report', { tables: [], coverage: 1, verdict: 'reject', data: null, sql: '' })).toContain('Not approved');
  });

  it('compiles each template once, however often it is rendered', async () => {
    const realCreate = Handlebars.create.bind(Handlebars);
    let compile: ReturnType<typeof vi.fn> | undefined;
    let templateCompiles = 0;
    vi.spyOn(Handlebars, 'create').mockImplementation(() => {
      const hb = realCreate();
      const orig = hb.compile.bind(hb);
      compile = vi.fn((input: unknown, options?: CompileOptions) => {
        templateCompiles++;
        return orig(input, options);
      });
      hb.compile = compile as unknown as typeof hb.compile;
      return hb;
    });
    const lib = await PromptLibrary.load(DIR);
    // 3 templates + 2 partials, each compiled once at load.
    expect(compile).toHaveBeenCalledTimes(5);
    for (const call of compile!.mock.calls) expect(call[1]).toMatchObject({ strict: true });
    const vars = { name: 'A', role: 'b', team: 'c' };
    const first = lib.render('greeting', vars);
    const second = lib.render('greeting', vars);
    expect(second).toBe(first);
    expect(templateCompiles).toBe(5);
  });

  it('hashes the template source plus the partials it uses (transitively)', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'schemacrew-prompts-'));
    try {
      await cp(DIR, tmp, { recursive: true });
      const before = await PromptLibrary.load(tmp);
      const again = await PromptLibrary.load(tmp);
      expect(before.hash('greeting')).toMatch(/^[0-9a-f]{64}$/);
      expect(again.hash('greeting')).toBe(before.hash('greeting'));
      expect(before.hash('plain')).not.toBe(before.hash('greeting'));
      // footer is used by signature, which greeting uses: changing it changes greeting's hash only.
      await writeFile(path.join(tmp, 'partials', 'footer.hbs'), ' (sent by someone else)');
      const after = await PromptLibrary.load(tmp);
      expect(after.hash('greeting')).not.toBe(before.hash('greeting'));
      expect(after.hash('plain')).toBe(before.hash('plain'));
      expect(after.hash('report')).toBe(before.hash('report'));
      expect(Object.keys(after.hashes())).toEqual(['greeting', 'plain', 'report']);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('reports a template syntax error at load time with the file name', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'schemacrew-prompts-'));
    try {
      await writeFile(path.join(tmp, 'broken.hbs'), 'Hello {{#if x}}unclosed');
      await expect(PromptLibrary.load(tmp)).rejects.toThrow(/broken\.hbs: template syntax error/);
      await expect(PromptLibrary.load(path.join(tmp, 'missing'))).rejects.toThrow(/cannot read the prompts folder/);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
