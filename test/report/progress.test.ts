import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, formatEntryLine, formatSummary } from '../../src/report/progress.js';
import { fixtureRun } from './fixture.js';

const ESC = /\x1b|\r/;

function capture(isTTY: boolean) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  stream.isTTY = isTTY;
  stream.columns = 120;
  let out = '';
  stream.on('data', (d: Buffer) => (out += d.toString('utf8')));
  return { stream, text: () => out };
}

describe('progress', () => {
  const run = fixtureRun();

  it('writes plain lines without ANSI codes or carriage returns when not a TTY', () => {
    const { stream, text } = capture(false);
    const p = createProgress({ total: run.entries.length, stream });
    expect(p.color).toBe(false);
    for (const [i, e] of run.entries.entries()) {
      for (const phase of ['write', 'check', 'review', 'apply']) {
        p.update({ index: i, entryId: e.entryId, persona: e.personaName, phase, tokens: 1000 * i, costUsd: 0.01 * i });
      }
      p.line(formatEntryLine(e, { color: true }));
    }
    p.line(formatSummary(run, { color: true }));
    p.stop();
    const out = text();
    expect(out).not.toMatch(ESC);
    const lines = out.trimEnd().split('\n');
    // One start line and one result line per entry, then the 4-line summary.
    expect(lines).toHaveLength(run.entries.length * 2 + 4);
    expect(lines[0]).toBe('[1/5] day-01 Alex Chen: write');
    expect(out).toContain('day 02    Sam     Create time entries table            applied   fk-missing-index (planned)');
  });

  it('draws a bar on a TTY and prints lines above it', async () => {
    const { stream, text } = capture(true);
    const p = createProgress({ total: 2, stream });
    expect(p.color).toBe(true);
    p.update({ index: 0, entryId: 'day-01', persona: 'Alex Chen', phase: 'review', tokens: 1234, costUsd: 0.5 });
    p.line('day 01    Alex    done');
    p.stop();
    const out = text();
    expect(out).toMatch(/\x1b\[/);
    expect(out).toContain('day 01    Alex    done');
    expect(out).toContain('entry 1/2');
    expect(out).toContain('1,234 tokens');
  });

  it('formats entry lines for each outcome', () => {
    const [clean, fk, rejected, failed, fix] = run.entries.map((e) => formatEntryLine(e));
    expect(clean).toBe('day 01    Alex    Create users and projects tables     applied');
    expect(fk).toBe('day 02    Sam     Create time entries table            applied   fk-missing-index (planned)  timestamp-without-tz (unplanned)');
    expect(rejected).toContain('day 03-04 Jordan  Index tasks by completion flag       rejected ');
    expect(rejected).toContain('low-cardinality-index (planned, not landed, caught)');
    expect(failed).toContain('failed    postgres: relation "taskpilot.task" does not exist (42P01)');
    expect(fix).toContain('Index time entries by project (repo… applied');
    expect(fix).toContain('redundant-index (unplanned)');
    for (const l of [clean, fk, rejected, failed, fix]) expect(l).not.toMatch(ESC);
    expect(formatEntryLine(run.entries[1]!, { color: true })).toMatch(/\x1b\[/);
  });

  it('summarises a run in a few plain lines', () => {
    const s = formatSummary(run);
    expect(s).not.toMatch(ESC);
    expect(s.split('\n')).toEqual([
      'run 20250301-090000-taskpilot-s42  scenario taskpilot  seed 42  completed',
      'entries 5: 3 applied, 1 rejected, 1 failed, 0 skipped',
      'defects landed 3 (2 live, 1 fixed; 1 planned, 0 named by the reviewer); 2 entries had a planned mistake',
      'tokens 15,300 in (4,700 cached) / 4,000 out  cost $0.08',
    ]);
  });
});
