// report.md: the run for people, in plain markdown (renders on GitHub and in a terminal pager).
import { POSTGRES_AI_REPORTS, type PostgresAiReportId } from './postgres-ai.js';
import { dayText, formatInt, formatRate, formatUsd, modelsText, oneLineReason, personaTokens, reportView } from './summary.js';
import type { EntryRecord, GroundTruthDefect, RunRecord } from './types.js';

/** Escapes a value for a markdown table cell (pipes, newlines, backticks stay readable). */
export function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n+/g, ' ').replace(/</g, '&lt;').trim();
}

function table(head: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const sep = head.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

const list = (xs: string[]) => (xs.length ? xs.map((x) => `\`${x}\``).join(', ') : '–');

function entryRow(e: EntryRecord): string[] {
  return [
    dayText(e),
    mdCell(e.personaName),
    mdCell(e.title),
    `**${e.status}**`,
    String(e.rounds.length),
    list(e.plan.defects),
    list(e.status === 'applied' ? e.realisedDefects : []),
    list(e.reviewerCaught),
    mdCell(oneLineReason(e.reason, 100)) || '–',
  ];
}

function defectRows(ds: GroundTruthDefect[], entries: Map<string, EntryRecord>, fixed: boolean): string[][] {
  return ds.map((d) => {
    const report = d.postgresAiReport
      ? `${d.postgresAiReport} ${POSTGRES_AI_REPORTS[d.postgresAiReport as PostgresAiReportId] ?? ''}`.trim()
      : '–';
    const e = entries.get(d.entryId);
    const row = [
      `\`${d.rule}\``,
      mdCell(report),
      d.objects.length ? d.objects.map((o) => `\`${mdCell(o)}\``).join(', ') : '–',
      e ? `day ${dayText(e)} ${mdCell(e.personaName)}` : mdCell(d.entryId),
      d.planned ? 'yes' : 'no',
      d.reviewerCaught ? 'yes' : 'no',
      mdCell(oneLineReason(d.message, 100)),
    ];
    if (fixed) {
      const f = d.fixedByEntryId ? entries.get(d.fixedByEntryId) : undefined;
      row.push(f ? `day ${dayText(f)} ${mdCell(f.personaName)}` : mdCell(d.fixedByEntryId ?? '–'));
    }
    return row;
  });
}

export function renderMarkdown(run: RunRecord): string {
  const { meta, totals: t } = run;
  const { entries, byId, defects, live, fixed } = reportView(run);
  const out: string[] = [];

  out.push(`# schemacrew run ${meta.runId}`, '');
  out.push(
    `- **Scenario:** ${mdCell(meta.scenario)}`,
    `- **Seed:** ${meta.seed}`,
    `- **Models:** ${mdCell(modelsText(run))}`,
    `- **Outcome:** ${meta.outcome}${meta.stopReason ? ` (${mdCell(meta.stopReason)})` : ''}${meta.dryRun ? ' — dry run' : ''}`,
    `- **Database:** ${mdCell(meta.database)}`,
    `- **Started:** ${meta.startedAt}${meta.finishedAt ? ` · **Finished:** ${meta.finishedAt}` : ''}`,
    `- **schemacrew:** ${meta.packageVersion}`,
    '',
  );

  out.push('## Totals', '');
  out.push(
    table(
      ['Entries', 'Applied', 'Rejected', 'Failed', 'Skipped', 'Defects landed', 'Live', 'Fixed', 'Tokens (in / out)', 'Cost'],
      [
        [
          String(t.entries),
          String(t.applied),
          String(t.rejected),
          String(t.failed),
          String(t.skipped),
          String(defects.length),
          String(live.length),
          String(fixed.length),
          `${formatInt(t.tokens.input)} / ${formatInt(t.tokens.output)}`,
          formatUsd(t.costUsd),
        ],
      ],
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
  );

  out.push('## Entries', '');
  out.push(
    table(
      ['Day', 'Persona', 'Title', 'Status', 'Rounds', 'Planned defects', 'Realised defects', 'Reviewer caught', 'Reason'],
      entries.map(entryRow),
      ['l', 'l', 'l', 'l', 'r'],
    ),
    '',
  );

  out.push('## Personas', '');
  out.push(
    table(
      ['Persona', 'Target error rate', 'Planned', 'Realised', 'Entries', 'Tokens (in / out)', 'Cost'],
      run.personas.map((p) => {
        const tok = personaTokens(p, run.entries);
        return [
          mdCell(p.name),
          formatRate(p.targetErrorRate),
          formatRate(p.plannedRate),
          formatRate(p.realisedRate),
          String(p.entries),
          `${formatInt(tok.input)} / ${formatInt(tok.output)}`,
          formatUsd(p.costUsd),
        ];
      }),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
  );

  out.push('## Ground-truth defects', '');
  out.push('The answer key for monitoring tools (also in `expected-findings.json`).', '');
  const head = ['Rule', 'postgres_ai report', 'Objects', 'Introduced', 'Planned', 'Reviewer named it', 'Message'];
  out.push(`### Live (${live.length})`, '');
  out.push(live.length ? table(head, defectRows(live, byId, false)) : '_None._', '');
  out.push(`### Fixed (${fixed.length})`, '');
  out.push(fixed.length ? table([...head, 'Fixed by'], defectRows(fixed, byId, true)) : '_None._', '');

  out.push('## Tokens and cost', '');
  out.push(
    table(
      ['', 'Input', 'Cached input', 'Output', 'Cost'],
      [
        ...run.personas.map((p) => {
          const tok = personaTokens(p, run.entries);
          return [mdCell(p.name), formatInt(tok.input), formatInt(tok.cachedInput), formatInt(tok.output), formatUsd(p.costUsd)];
        }),
        ['**Total**', formatInt(t.tokens.input), formatInt(t.tokens.cachedInput), formatInt(t.tokens.output), `**${formatUsd(t.costUsd)}**`],
      ],
      ['l', 'r', 'r', 'r', 'r'],
    ),
    '',
  );
  return out.join('\n');
}
