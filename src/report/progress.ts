// Terminal progress: a live cli-progress bar on a TTY, plain lines otherwise (CI, pipes: no ANSI
// codes, no carriage returns). line() prints one result line per entry in both modes.
import cliProgress from 'cli-progress';
import picocolors from 'picocolors';
import { attempted, dayText, formatInt, formatUsd, oneLineReason, plannedNotRealised } from './summary.js';
import type { EntryRecord, RunRecord } from './types.js';

type Colors = ReturnType<typeof picocolors.createColors>;

export interface ProgressUpdate {
  /** 0-based index of the entry being worked on (shown as index + 1 of total). */
  index: number;
  entryId: string;
  persona: string;
  /** What is happening: writing, checking, reviewing, applying… */
  phase: string;
  /** Tokens spent so far in the run. */
  tokens: number;
  /** Cost so far in the run, USD. */
  costUsd: number;
}

export interface Progress {
  /** True on a TTY: pass it to formatEntryLine/formatSummary as { color }. */
  readonly color: boolean;
  update(u: ProgressUpdate): void;
  /** Prints a line (above the bar on a TTY). */
  line(text: string): void;
  stop(): void;
}

export interface ProgressOptions {
  total: number;
  /** Force TTY mode on or off; default: stream.isTTY. */
  tty?: boolean;
  /** Default process.stderr (stdout stays free for piping). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Non-TTY mode: also print a line when an entry starts (default true). */
  announceEntries?: boolean;
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g;

/** Removes ANSI escapes and carriage returns: what a non-TTY stream gets. */
export function plain(text: string): string {
  return text.replace(ANSI, '').replace(/\r/g, '');
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? stream.isTTY === true;
  const total = Math.max(0, options.total);

  if (!tty) {
    const announce = options.announceEntries ?? true;
    let lastEntry: string | undefined;
    return {
      color: false,
      update(u) {
        if (!announce || u.entryId === lastEntry) return;
        lastEntry = u.entryId;
        stream.write(plain(`[${u.index + 1}/${total}] ${u.entryId} ${u.persona}: ${u.phase}`) + '\n');
      },
      line(text) {
        stream.write(plain(text) + '\n');
      },
      stop() {},
    };
  }

  const pc = picocolors.createColors(true);
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: `${pc.cyan('{bar}')} entry {value}/{total} ${pc.dim('|')} {persona} ${pc.dim('|')} {phase} ${pc.dim('|')} {tokens} tokens ${pc.dim('|')} {cost}`,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      // Our own handler: the CLI decides what a signal means.
      gracefulExit: false,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = { persona: '', phase: 'starting', tokens: '0', cost: formatUsd(0) };
  const bar = multi.create(total, 0, payload);
  let stopped = false;
  return {
    color: true,
    update(u) {
      if (stopped) return;
      bar.update(Math.min(total, u.index + 1), {
        persona: u.persona,
        phase: u.phase,
        tokens: formatInt(u.tokens),
        cost: formatUsd(u.costUsd),
      });
    },
    line(text) {
      if (stopped) {
        stream.write(text + '\n');
        return;
      }
      multi.log(text + '\n');
      multi.update();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      multi.update();
      multi.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One line per entry, and the end-of-run summary.

const pad = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s.padEnd(n));

function statusColor(pc: Colors, status: EntryRecord['status']): (s: string) => string {
  switch (status) {
    case 'applied':
      return pc.green;
    case 'rejected':
      return pc.yellow;
    case 'failed':
      return pc.red;
    default:
      return pc.dim;
  }
}

/**
 * `day 02     Sam     Create time entries table             applied   fk-missing-index (planned)`
 * Defects that landed are marked planned/unplanned (and "caught" when the reviewer named them);
 * planned ones that did not land follow as "x (planned, not landed)". Entries that did not apply
 * show their one-line reason.
 */
export function formatEntryLine(entry: EntryRecord, options: { color?: boolean } = {}): string {
  const pc = picocolors.createColors(options.color === true);
  const persona = entry.personaName.split(/\s+/)[0] ?? entry.personaName;
  const planned = new Set(entry.plan.defects);
  const caught = new Set(entry.reviewerCaught);
  const landed = entry.status === 'applied' ? entry.realisedDefects : [];
  const hazards = new Set(entry.hazards ?? []);
  const notes = landed.map((d) => {
    const kind = planned.has(d) ? 'planned' : hazards.has(d) ? 'hazard' : 'unplanned';
    const tags = [kind, ...(caught.has(d) ? ['caught'] : [])];
    return `${planned.has(d) ? pc.yellow(d) : pc.magenta(d)} (${tags.join(', ')})`;
  });
  for (const d of plannedNotRealised(entry)) notes.push(pc.dim(`${d} (planned, not landed${caught.has(d) ? ', caught' : ''})`));
  let tail = notes.join('  ');
  if (entry.status !== 'applied' && entry.reason) tail = [pc.dim(oneLineReason(entry.reason, 80)), tail].filter(Boolean).join('  ');
  const head = `day ${pad(dayText(entry), 5)} ${pad(persona, 7)} ${pad(entry.title, 36)} ${statusColor(pc, entry.status)(pad(entry.status, 9))}`;
  return (tail ? `${head} ${tail}` : head).trimEnd();
}

/** A few lines of totals for the end of a run. */
export function formatSummary(run: RunRecord, options: { color?: boolean } = {}): string {
  const pc = picocolors.createColors(options.color === true);
  const t = run.totals;
  const live = run.defects.filter((d) => !d.fixedByEntryId).length;
  const plannedLanded = run.defects.filter((d) => d.planned).length;
  const caught = run.defects.filter((d) => d.reviewerCaught).length;
  const plannedMistakes = run.entries.filter((e) => attempted(e) && e.plan.defects.length > 0).length;
  const outcome = run.meta.outcome === 'completed' ? pc.green('completed') : pc.yellow(`stopped${run.meta.stopReason ? ` (${run.meta.stopReason})` : ''}`);
  return [
    `${pc.bold(`run ${run.meta.runId}`)}  scenario ${run.meta.scenario}  seed ${run.meta.seed}  ${outcome}`,
    `entries ${t.entries}: ${pc.green(`${t.applied} applied`)}, ${pc.yellow(`${t.rejected} rejected`)}, ${pc.red(`${t.failed} failed`)}, ${t.skipped} skipped`,
    `defects landed ${run.defects.length} (${live} live, ${run.defects.length - live} fixed; ${plannedLanded} planned, ${caught} named by the reviewer); ${plannedMistakes} entries had a planned mistake`,
    `tokens ${formatInt(t.tokens.input)} in (${formatInt(t.tokens.cachedInput)} cached) / ${formatInt(t.tokens.output)} out  cost ${formatUsd(t.costUsd)}`,
  ].join('\n');
}
