// report.html: one self-contained page (inline <style>, inline SVG, no scripts, no external
// references). Every value from the run is escaped: SQL, messages and titles contain < > & ".
import { POSTGRES_AI_REPORTS, type PostgresAiReportId } from './postgres-ai.js';
import { dayText, formatInt, formatRate, formatUsd, modelsText, oneLineReason, personaTokens, reportView } from './summary.js';
import { barChart, formatPercent } from './svg.js';
import type { EntryRecord, GroundTruthDefect, RoundRecord, RunRecord } from './types.js';

export function escapeHtml(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const h = escapeHtml;

/** A safe fragment id from an entry id. */
const anchor = (id: string) => 'entry-' + id.replace(/[^A-Za-z0-9_-]/g, '_');

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;
--ok:#1a7f37;--ok-bg:#dafbe1;--warn:#9a6700;--warn-bg:#fff8c5;--bad:#cf222e;--bad-bg:#ffebe9;--info:#0969da;--info-bg:#ddf4ff}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px 48px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1280px;margin:0 auto}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:18px 0 8px}
.meta{color:var(--muted);margin:0 0 16px}.meta b{color:var(--fg);font-weight:600}
code,pre{font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{background:var(--soft);padding:1px 4px;border-radius:4px}
pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:10px 12px;overflow:auto;max-height:420px;white-space:pre}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600;font-size:13px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:110px}
.card .v{font-size:20px;font-weight:600}.card .k{color:var(--muted);font-size:12px}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap}
.s-applied,.v-approve,.g-apply{color:var(--ok);background:var(--ok-bg)}
.s-rejected,.v-reject,.g-reject{color:var(--bad);background:var(--bad-bg)}
.s-failed{color:#fff;background:var(--bad)}
.s-skipped,.s-planned{color:var(--muted);background:var(--soft)}
.v-request_changes,.g-revise,.sev-advisory{color:var(--warn);background:var(--warn-bg)}
.sev-blocking{color:var(--bad);background:var(--bad-bg)}
.rule{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:nowrap}
td.day{white-space:nowrap}
details.entry{border:1px solid var(--line);border-radius:8px;margin:8px 0;padding:0 12px}
details.entry>summary{cursor:pointer;padding:8px 0;font-weight:600}
details.entry[open]>summary{border-bottom:1px solid var(--line);margin-bottom:8px}
.round{margin:10px 0 16px;padding-left:10px;border-left:3px solid var(--line)}
.sqls{display:grid;grid-template-columns:1fr 1fr;gap:10px}
@media (max-width:900px){.sqls{grid-template-columns:1fr}}
.muted{color:var(--muted)}
.chart-wrap{overflow-x:auto}
footer{margin-top:40px;color:var(--muted);font-size:12px}
`;

function badge(cls: string, text: string): string {
  return `<span class="badge ${cls}">${h(text)}</span>`;
}

function rules(xs: string[]): string {
  return xs.length ? xs.map((x) => `<span class="rule">${h(x)}</span>`).join(', ') : '<span class="muted">–</span>';
}

function entriesTable(entries: EntryRecord[]): string {
  const rows = entries.map(
    (e) => `<tr>
<td class="day">${h(dayText(e))}</td><td>${h(e.personaName)}</td><td><a href="#${anchor(e.entryId)}">${h(e.title)}</a></td>
<td>${badge('s-' + e.status, e.status)}</td><td class="num">${e.rounds.length}</td>
<td>${rules(e.plan.defects)}</td><td>${rules(e.status === 'applied' ? e.realisedDefects : [])}</td><td>${rules(e.reviewerCaught)}</td>
<td>${h(oneLineReason(e.reason, 140))}</td></tr>`,
  );
  return `<table><thead><tr><th>Day</th><th>Persona</th><th>Title</th><th>Status</th><th class="num">Rounds</th>
<th>Planned defects</th><th>Realised defects</th><th>Reviewer caught</th><th>Reason</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function findingsTable(r: RoundRecord): string {
  if (r.findings.length === 0) return '<p class="muted">No findings.</p>';
  const rows = r.findings.map(
    (f) => `<tr><td><span class="rule">${h(f.rule)}</span></td><td>${badge('sev-' + f.severity, f.severity)}</td>
<td class="num">${h(`${f.statement}:${f.line}:${f.column}`)}</td><td>${h(f.message)}${f.hint ? `<br><span class="muted">${h(f.hint)}</span>` : ''}</td>
<td>${f.objects?.length ? f.objects.map((o: string) => `<code>${h(o)}</code>`).join(' ') : ''}</td></tr>`,
  );
  return `<table><thead><tr><th>Rule</th><th>Severity</th><th class="num">Stmt:line:col</th><th>Message</th><th>Objects</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function reviewBlock(r: RoundRecord): string {
  if (!r.review) return '<p class="muted">No review this round.</p>';
  const v = r.review;
  const comments = v.comments.length
    ? `<ul>${v.comments
        .map((c) => `<li>${badge('sev-' + (c.severity === 'blocker' || c.severity === 'major' ? 'blocking' : 'advisory'), c.severity)} ${c.rule ? `<span class="rule">${h(c.rule)}</span> ` : ''}${h(c.message)}</li>`)
        .join('\n')}</ul>`
    : '<p class="muted">No comments.</p>';
  return `<p><b>Review:</b> ${badge('v-' + v.verdict, v.verdict.replace('_', ' '))} ${h(v.summary)}</p>${comments}`;
}

function roundBlock(r: RoundRecord): string {
  return `<div class="round">
<h3>Round ${r.round}: ${h(r.title)} ${badge('g-' + r.gate, 'gate: ' + r.gate)}</h3>
<p class="muted">${h(r.gateReason)}</p>
${r.rationale.trim() ? `<p><b>Rationale:</b> ${h(r.rationale)}</p>` : ''}
<div class="sqls"><div><b>up</b><pre>${h(r.upSql)}</pre></div><div><b>down</b><pre>${h(r.downSql)}</pre></div></div>
${r.notes.trim() ? `<p><b>Notes:</b> ${h(r.notes)}</p>` : ''}
<p><b>Findings</b></p>
${findingsTable(r)}
${reviewBlock(r)}
</div>`;
}

function entryDetails(e: EntryRecord): string {
  const plan =
    e.plan.source === 'none'
      ? 'no planned mistake'
      : `planned (${e.plan.source}${e.plan.draw !== undefined ? `, draw ${e.plan.draw.toFixed(3)}` : ''}): ${e.plan.defects.join(', ')}`;
  return `<details class="entry" id="${anchor(e.entryId)}">
<summary>Day ${h(dayText(e))} · ${h(e.personaName)} · ${h(e.title)} ${badge('s-' + e.status, e.status)}</summary>
<p class="muted">${h(e.entryId)} · week ${e.week} · verdict in plan: ${h(e.verdictTag)} · ${h(plan)} · ${formatInt(e.tokens.input + e.tokens.output)} tokens · ${formatUsd(e.costUsd)} · ${(e.durationMs / 1000).toFixed(1)} s</p>
<p><b>Outcome:</b> ${h(e.reason)}</p>
${e.rounds.map(roundBlock).join('\n') || '<p class="muted">No rounds.</p>'}
</details>`;
}

function personasSection(run: RunRecord): string {
  const chart = barChart({
    title: 'Error rate per persona: target vs planned vs realised',
    groups: run.personas.map((p) => ({
      label: p.name,
      bars: [
        { label: 'target', value: p.targetErrorRate, color: '#8c959f' },
        { label: 'planned', value: p.plannedRate, color: '#4e79a7' },
        { label: 'realised', value: p.realisedRate, color: '#e15759' },
      ],
    })),
    max: 1,
    format: formatPercent,
    axisLabel: 'share of the persona’s entries (0–100%)',
    xmlns: false,
  });
  const costChart = barChart({
    title: 'Cost per persona (USD)',
    groups: run.personas.map((p) => ({ label: p.name, bars: [{ label: 'cost', value: p.costUsd, color: '#59a14f' }] })),
    format: (v) => formatUsd(v),
    axisLabel: 'USD',
    xmlns: false,
  });
  const rows = run.personas.map((p) => {
    const t = personaTokens(p, run.entries);
    return `<tr><td>${h(p.name)}</td><td class="num">${formatRate(p.targetErrorRate)}</td><td class="num">${formatRate(p.plannedRate)}</td>
<td class="num">${formatRate(p.realisedRate)}</td><td class="num">${p.entries}</td><td class="num">${formatInt(t.input)}</td>
<td class="num">${formatInt(t.cachedInput)}</td><td class="num">${formatInt(t.output)}</td><td class="num">${formatUsd(p.costUsd)}</td></tr>`;
  });
  const t = run.totals;
  rows.push(`<tr><th>Total</th><th></th><th></th><th></th><th class="num">${t.entries}</th><th class="num">${formatInt(t.tokens.input)}</th>
<th class="num">${formatInt(t.tokens.cachedInput)}</th><th class="num">${formatInt(t.tokens.output)}</th><th class="num">${formatUsd(t.costUsd)}</th></tr>`);
  return `<h2>Personas</h2>
<div class="chart-wrap">${chart}</div>
<table><thead><tr><th>Persona</th><th class="num">Target</th><th class="num">Planned</th><th class="num">Realised</th><th class="num">Entries</th>
<th class="num">Input tokens</th><th class="num">Cached input</th><th class="num">Output tokens</th><th class="num">Cost</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
<h3>Tokens and cost</h3>
<div class="chart-wrap">${costChart}</div>`;
}

function defectsTable(ds: GroundTruthDefect[], byId: Map<string, EntryRecord>, fixed: boolean): string {
  if (ds.length === 0) return '<p class="muted">None.</p>';
  const who = (id: string | undefined) => {
    const e = id ? byId.get(id) : undefined;
    return e ? `day ${h(dayText(e))} ${h(e.personaName)}` : h(id ?? '–');
  };
  const rows = ds.map((d) => {
    const report = d.postgresAiReport
      ? `${h(d.postgresAiReport)} <span class="muted">${h(POSTGRES_AI_REPORTS[d.postgresAiReport as PostgresAiReportId] ?? '')}</span>`
      : '<span class="muted">–</span>';
    return `<tr><td><span class="rule">${h(d.rule)}</span></td><td>${report}</td><td>${d.objects.map((o) => `<code>${h(o)}</code>`).join(' ')}</td>
<td>${who(d.entryId)}</td><td>${d.planned ? 'yes' : 'no'}</td><td>${d.reviewerCaught ? 'yes' : 'no'}</td><td>${h(d.message)}</td>${fixed ? `<td>${who(d.fixedByEntryId)}</td>` : ''}</tr>`;
  });
  return `<table><thead><tr><th>Rule</th><th>postgres_ai</th><th>Objects</th><th>Introduced</th><th>Planned</th><th>Reviewer named it</th><th>Message</th>${fixed ? '<th>Fixed by</th>' : ''}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

export function renderHtml(run: RunRecord): string {
  const { meta, totals: t } = run;
  const { entries, byId, defects, live, fixed } = reportView(run);
  const card = (k: string, v: string) => `<div class="card"><div class="v">${h(v)}</div><div class="k">${h(k)}</div></div>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>schemacrew run ${h(meta.runId)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>schemacrew run <code>${h(meta.runId)}</code></h1>
<p class="meta"><b>Scenario</b> ${h(meta.scenario)} · <b>Seed</b> ${h(meta.seed)} · <b>Outcome</b> ${h(meta.outcome)}${meta.stopReason ? ` (${h(meta.stopReason)})` : ''}${meta.dryRun ? ' · dry run' : ''}<br>
<b>Models</b> ${h(modelsText(run))}<br>
<b>Database</b> ${h(meta.database)} · <b>Started</b> ${h(meta.startedAt)}${meta.finishedAt ? ` · <b>Finished</b> ${h(meta.finishedAt)}` : ''} · schemacrew ${h(meta.packageVersion)}</p>

<h2>Totals</h2>
<div class="cards">
${card('entries', String(t.entries))}${card('applied', String(t.applied))}${card('rejected', String(t.rejected))}${card('failed', String(t.failed))}${card('skipped', String(t.skipped))}
${card('defects landed', String(defects.length))}${card('live', String(live.length))}${card('fixed', String(fixed.length))}
${card('input tokens', formatInt(t.tokens.input))}${card('output tokens', formatInt(t.tokens.output))}${card('cost', formatUsd(t.costUsd))}
</div>

<h2>Entries</h2>
${entriesTable(entries)}

${personasSection(run)}

<h2>Ground-truth defects</h2>
<p class="muted">The answer key for monitoring tools (expected-findings.json).</p>
<h3>Live (${live.length})</h3>
${defectsTable(live, byId, false)}
<h3>Fixed (${fixed.length})</h3>
${defectsTable(fixed, byId, true)}

<h2>Entry details</h2>
${entries.map(entryDetails).join('\n')}

<footer>Generated by schemacrew ${h(meta.packageVersion)} from report.json.</footer>
</main>
</body>
</html>
`;
}
