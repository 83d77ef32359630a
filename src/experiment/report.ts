// What an experiment leaves in runs/experiments/<id>/: results.json (the data), report.md and
// report.html (self-contained: inline CSS, inline SVG charts from src/report/svg.ts, no scripts).
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { barChart, formatPercent } from '../report/svg.js';
import { escapeHtml as h } from '../report/html.js';
import { mdCell } from '../report/markdown.js';
import { METRICS, PERSONA_METRICS, type Stat } from './metrics.js';
import type { BaselineDiff, CellResult, ExperimentResults } from './types.js';

/** Metrics shown in the summary tables, with how to print them. */
const SUMMARY: { name: string; label: string; kind: 'rate' | 'num' | 'usd' | 'ms' | 'int' }[] = [
  { name: 'valid_rate', label: 'valid', kind: 'rate' },
  { name: 'realised_rate', label: 'realised', kind: 'rate' },
  { name: 'realised_rate_drawn', label: 'realised (drawn)', kind: 'rate' },
  { name: 'unintended_per_entry', label: 'unintended / entry', kind: 'num' },
  { name: 'unintended_share', label: 'entries w/ unintended', kind: 'rate' },
  { name: 'hazards_per_entry', label: 'hazards / entry', kind: 'num' },
  { name: 'leak_rate', label: 'leak', kind: 'rate' },
  { name: 'reviewer_catch_rate', label: 'reviewer caught', kind: 'rate' },
  { name: 'acceptance_rate', label: 'accepted', kind: 'rate' },
  { name: 'mean_rounds', label: 'rounds', kind: 'num' },
  { name: 'calibration_error', label: 'calibration error', kind: 'num' },
  { name: 'cost_usd', label: 'cost', kind: 'usd' },
  { name: 'tokens_input', label: 'tokens in', kind: 'int' },
  { name: 'tokens_output', label: 'tokens out', kind: 'int' },
  { name: 'latency_p50_ms', label: 'p50', kind: 'ms' },
  { name: 'latency_p95_ms', label: 'p95', kind: 'ms' },
];

function fmt(v: number | null | undefined, kind: 'rate' | 'num' | 'usd' | 'ms' | 'int'): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  switch (kind) {
    case 'rate':
      return `${(v * 100).toFixed(v * 100 === Math.round(v * 100) ? 0 : 1)}%`;
    case 'usd':
      return `$${v.toFixed(4)}`;
    case 'ms':
      return `${Math.round(v)} ms`;
    case 'int':
      return String(Math.round(v));
    default:
      return v.toFixed(2);
  }
}

function kindOf(metric: string): 'rate' | 'num' | 'usd' | 'ms' | 'int' {
  const s = SUMMARY.find((x) => x.name === metric);
  if (s) return s.kind;
  if (/_rate(\.|$)/.test(metric) || metric.includes('_rate.')) return 'rate';
  if (metric.endsWith('_usd')) return 'usd';
  if (metric.endsWith('_ms')) return 'ms';
  if (['entries', 'applied', 'failed', 'rejected', 'planned_entries', 'calls', 'cache_hits'].includes(metric) || metric.startsWith('tokens_')) return 'int';
  return 'num';
}

/** "mean ± sd" (or the single value). */
function stat(s: Stat | undefined, kind: 'rate' | 'num' | 'usd' | 'ms' | 'int'): string {
  if (!s || s.mean === null) return '–';
  if (s.n <= 1 || !s.stdev) return fmt(s.mean, kind);
  return `${fmt(s.mean, kind)} ± ${fmt(s.stdev, kind)}`;
}

function personasOf(results: ExperimentResults): string[] {
  const ids = new Set<string>();
  for (const c of results.cells) for (const k of Object.keys(c.metrics)) if (k.startsWith('error_rate.')) ids.add(k.slice('error_rate.'.length));
  return [...ids];
}

/** Per cell, per metric: current mean - baseline mean (cells matched by id). */
export function baselineDiff(id: string, baseline: ExperimentResults, cells: CellResult[]): BaselineDiff {
  const out: BaselineDiff = { id, cells: {}, missing: [] };
  for (const c of cells) {
    const b = baseline.cells.find((x) => x.id === c.id);
    if (!b) {
      out.missing.push(c.id);
      continue;
    }
    const diff: BaselineDiff['cells'][string] = {};
    for (const [k, s] of Object.entries(c.metrics)) {
      const bm = b.metrics[k]?.mean;
      if (s.mean === null || bm === null || bm === undefined) continue;
      diff[k] = { baseline: bm, current: s.mean, delta: Math.round((s.mean - bm) * 1e9) / 1e9 };
    }
    out.cells[c.id] = diff;
  }
  return out;
}

function signed(v: number, kind: 'rate' | 'num' | 'usd' | 'ms' | 'int'): string {
  if (v === 0) return '0';
  const s = kind === 'rate' ? `${(Math.abs(v) * 100).toFixed(1)} pp` : fmt(Math.abs(v), kind);
  return `${v > 0 ? '+' : '-'}${s}`;
}

export function renderExperimentMarkdown(r: ExperimentResults): string {
  const L: string[] = [];
  const e = r.experiment;
  L.push(`# Experiment ${e.id}`, '');
  if (e.description) L.push(e.description, '');
  const slice = [e.slice.fromDay !== undefined ? `from day ${e.slice.fromDay}` : '', e.slice.toDay !== undefined ? `to day ${e.slice.toDay}` : '', e.slice.personas ? `personas ${e.slice.personas.join(', ')}` : '', e.slice.limit ? `at most ${e.slice.limit} entries` : '']
    .filter(Boolean)
    .join(', ');
  L.push(
    `Scenario **${e.scenario}**${slice ? ` (${slice})` : ''}; seeds ${e.seeds.join(', ')}; ${e.variants.length} variant(s) × ${e.models.length} model(s) × ${e.seeds.length} seed(s) = ${r.totals.trials} trials at concurrency ${e.concurrency}.`,
    '',
    `Trials: ${r.totals.ok} ok, ${r.totals.errors} failed${r.totals.resumed ? `, ${r.totals.resumed} resumed from an earlier run` : ''}${r.totals.notRun ? `, ${r.totals.notRun} not run` : ''}${r.interrupted ? ' (interrupted)' : ''}. ` +
      `Cost $${r.totals.costUsd.toFixed(4)} (paid by this run: $${r.totals.spentUsd.toFixed(4)}); tokens ${r.totals.tokens.input} in / ${r.totals.tokens.output} out; ` +
      `${r.totals.calls} model calls this run, ${r.totals.cacheHits} from the response cache; wall ${(r.totals.wallMs / 1000).toFixed(1)} s.`,
    '',
  );

  L.push('## Cells', '', 'Mean ± standard deviation across seeds (sample SD; a single value when one trial).', '');
  L.push(`| cell | trials | ${SUMMARY.map((s) => s.label).join(' | ')} |`);
  L.push(`|---|---:|${SUMMARY.map(() => '---:').join('|')}|`);
  for (const c of r.cells) {
    L.push(`| ${mdCell(c.id)} | ${c.ok}${c.errors ? ` (+${c.errors} failed)` : ''} | ${SUMMARY.map((s) => stat(c.metrics[s.name], s.kind)).join(' | ')} |`);
  }
  L.push('');

  const personas = personasOf(r);
  if (personas.length) {
    L.push('## Error rate per persona', '', 'target = errorRate; planned = share the planner gave a mistake; achieved = share whose applied SQL carries a planted-kind defect.', '');
    L.push('| cell | persona | target | planned | achieved |', '|---|---|---:|---:|---:|');
    for (const c of r.cells) {
      for (const p of personas) {
        if (!c.metrics[`error_rate.${p}`]) continue;
        L.push(`| ${mdCell(c.id)} | ${p} | ${stat(c.metrics[`target_rate.${p}`], 'rate')} | ${stat(c.metrics[`planned_rate.${p}`], 'rate')} | ${stat(c.metrics[`error_rate.${p}`], 'rate')} |`);
      }
    }
    L.push('');
  }

  if (r.gates.length) {
    L.push('## Gates', '', '| gate | cell | value | result |', '|---|---|---:|---|');
    for (const g of r.gates) L.push(`| \`${g.expr.replace(/\|/g, '\\|')}\` | ${mdCell(g.cell)} | ${fmt(g.value, kindOf(g.metric))} | ${g.value === null ? 'n/a' : g.failed ? '**FAIL**' : 'pass'} |`);
    L.push('');
  }

  if (r.baseline) {
    L.push(`## Against baseline ${r.baseline.id}`, '', 'Difference of cell means (this experiment − baseline); rates in percentage points.', '');
    L.push(`| cell | ${SUMMARY.map((s) => s.label).join(' | ')} |`, `|---|${SUMMARY.map(() => '---:').join('|')}|`);
    for (const [cell, d] of Object.entries(r.baseline.cells)) {
      L.push(`| ${mdCell(cell)} | ${SUMMARY.map((s) => (d[s.name] ? signed(d[s.name]!.delta, s.kind) : '–')).join(' | ')} |`);
    }
    if (r.baseline.missing.length) L.push('', `Not in the baseline: ${r.baseline.missing.join(', ')}.`);
    L.push('');
  }

  L.push('## Trials', '', '| trial | status | entries | valid | realised | leak | calibration | cost | time |', '|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const t of r.trials) {
    const m = t.metrics ?? {};
    L.push(
      `| ${mdCell(t.id)} | ${t.status === 'ok' ? (t.stopReason ? `stopped: ${mdCell(t.stopReason)}` : 'ok') : `failed: ${mdCell((t.error ?? '').slice(0, 160))}`}${t.resumed ? ' (resumed)' : ''} | ${fmt(m.entries, 'int')} | ${fmt(m.valid_rate, 'rate')} | ${fmt(m.realised_rate, 'rate')} | ${fmt(m.leak_rate, 'rate')} | ${fmt(m.calibration_error, 'num')} | ${fmt(m.cost_usd, 'usd')} | ${t.timings ? `${(t.timings.durationMs / 1000).toFixed(1)} s` : '–'} |`,
    );
  }
  L.push('');
  if (e.mutations) {
    L.push('## Fake behaviours', '', `Rules the faithful and leaky behaviours plant: ${e.mutations.planted.join(', ')}.`, '', `Catalog rules without a mutation (left as the plan writes them): ${e.mutations.withoutMutation.join(', ') || 'none'}.`, '');
  }
  L.push('## Metrics', '');
  for (const m of METRICS) L.push(`- \`${m.name}\`: ${m.description}`);
  for (const m of PERSONA_METRICS) L.push(`- \`${m.name}.<persona>\`: ${m.description}`);
  L.push('');
  return L.join('\n');
}

const CSS = `
body{margin:0;padding:24px 32px 48px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328}
main{max-width:1280px;margin:0 auto}h1{font-size:24px;margin:0 0 6px}h2{font-size:18px;margin:30px 0 10px;padding-bottom:4px;border-bottom:1px solid #d1d9e0}
.meta{color:#59636e}table{border-collapse:collapse;width:100%;margin:6px 0 14px;font-size:13px}
th,td{border-bottom:1px solid #d1d9e0;padding:5px 7px;text-align:left;vertical-align:top}th{background:#f6f8fa;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}code{background:#f6f8fa;padding:1px 4px;border-radius:4px;font-size:12px}
.fail{color:#cf222e;font-weight:600}.ok{color:#1a7f37}.charts{display:flex;flex-wrap:wrap;gap:18px}.chart-wrap{overflow-x:auto}
.muted{color:#59636e}.scroll{overflow-x:auto}`;

export function renderExperimentHtml(r: ExperimentResults): string {
  const e = r.experiment;
  const personas = personasOf(r);
  const charts: string[] = [];
  const mean = (c: CellResult, k: string) => c.metrics[k]?.mean ?? 0;
  if (personas.length) {
    const groups = r.cells.flatMap((c) =>
      personas
        .filter((p) => c.metrics[`error_rate.${p}`])
        .map((p) => ({
          label: `${p} · ${c.id}`,
          bars: [
            { label: 'target', value: mean(c, `target_rate.${p}`), color: '#bab0ac' },
            { label: 'planned', value: mean(c, `planned_rate.${p}`), color: '#76b7b2' },
            { label: 'achieved', value: mean(c, `error_rate.${p}`), color: '#4e79a7' },
          ],
        })),
    );
    charts.push(barChart({ title: 'Error rate per persona: target, planned, achieved', groups, max: 1, format: formatPercent, axisLabel: 'share of the persona\'s entries', width: 760, xmlns: false }));
  }
  charts.push(
    barChart({
      title: 'Realised, leak and reviewer catch rates per cell',
      groups: r.cells.map((c) => ({
        label: c.id,
        bars: [
          { label: 'realised', value: mean(c, 'realised_rate'), color: '#59a14f' },
          { label: 'realised (drawn)', value: mean(c, 'realised_rate_drawn'), color: '#8cd17d' },
          { label: 'leak', value: mean(c, 'leak_rate'), color: '#e15759' },
          { label: 'reviewer caught', value: mean(c, 'reviewer_catch_rate'), color: '#f28e2b' },
          { label: 'valid', value: mean(c, 'valid_rate'), color: '#4e79a7' },
        ],
      })),
      max: 1,
      format: formatPercent,
      width: 760,
      xmlns: false,
    }),
  );
  charts.push(
    barChart({
      title: 'Cost per trial (mean across seeds), USD',
      groups: r.cells.map((c) => ({ label: c.id, bars: [{ label: 'cost', value: mean(c, 'cost_usd'), color: '#b07aa1' }] })),
      format: (v) => `$${v.toFixed(4)}`,
      width: 760,
      xmlns: false,
    }),
  );
  charts.push(
    barChart({
      title: 'Latency per model call, ms',
      groups: r.cells.map((c) => ({
        label: c.id,
        bars: [
          { label: 'p50', value: mean(c, 'latency_p50_ms'), color: '#76b7b2' },
          { label: 'p95', value: mean(c, 'latency_p95_ms'), color: '#4e79a7' },
        ],
      })),
      format: (v) => `${Math.round(v)}`,
      width: 760,
      xmlns: false,
    }),
  );

  const cellRows = r.cells
    .map(
      (c) =>
        `<tr><td>${h(c.id)}</td><td class="num">${c.ok}${c.errors ? ` <span class="fail">(+${c.errors} failed)</span>` : ''}</td>${SUMMARY.map((s) => `<td class="num">${h(stat(c.metrics[s.name], s.kind))}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const personaRows = r.cells
    .flatMap((c) =>
      personas
        .filter((p) => c.metrics[`error_rate.${p}`])
        .map(
          (p) =>
            `<tr><td>${h(c.id)}</td><td>${h(p)}</td><td class="num">${h(stat(c.metrics[`target_rate.${p}`], 'rate'))}</td><td class="num">${h(stat(c.metrics[`planned_rate.${p}`], 'rate'))}</td><td class="num">${h(stat(c.metrics[`error_rate.${p}`], 'rate'))}</td></tr>`,
        ),
    )
    .join('\n');
  const gateRows = r.gates
    .map(
      (g) =>
        `<tr><td><code>${h(g.expr)}</code></td><td>${h(g.cell)}</td><td class="num">${h(fmt(g.value, kindOf(g.metric)))}</td><td class="${g.failed ? 'fail' : 'ok'}">${g.value === null ? 'n/a' : g.failed ? 'FAIL' : 'pass'}</td></tr>`,
    )
    .join('\n');
  const baselineRows = r.baseline
    ? Object.entries(r.baseline.cells)
        .map(
          ([cell, d]) =>
            `<tr><td>${h(cell)}</td>${SUMMARY.map((s) => {
              const x = d[s.name];
              return `<td class="num">${x ? h(signed(x.delta, s.kind)) : '–'}</td>`;
            }).join('')}</tr>`,
        )
        .join('\n')
    : '';
  const trialRows = r.trials
    .map((t) => {
      const m = t.metrics ?? {};
      const status = t.status === 'ok' ? (t.stopReason ? `stopped: ${t.stopReason}` : 'ok') : `failed: ${t.error ?? ''}`;
      return `<tr><td>${h(t.id)}</td><td class="${t.status === 'ok' ? 'ok' : 'fail'}">${h(status)}${t.resumed ? ' <span class="muted">(resumed)</span>' : ''}</td><td class="num">${h(fmt(m.entries, 'int'))}</td><td class="num">${h(fmt(m.valid_rate, 'rate'))}</td><td class="num">${h(fmt(m.realised_rate, 'rate'))}</td><td class="num">${h(fmt(m.leak_rate, 'rate'))}</td><td class="num">${h(fmt(m.calibration_error, 'num'))}</td><td class="num">${h(fmt(m.cost_usd, 'usd'))}</td><td class="num">${t.timings ? `${(t.timings.durationMs / 1000).toFixed(1)} s` : '–'}</td></tr>`;
    })
    .join('\n');
  const head = SUMMARY.map((s) => `<th class="num">${h(s.label)}</th>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Experiment ${h(e.id)}</title><style>${CSS}</style></head><body><main>
<h1>Experiment ${h(e.id)}</h1>
${e.description ? `<p>${h(e.description)}</p>` : ''}
<p class="meta">Scenario <b>${h(e.scenario)}</b>; seeds ${h(e.seeds.join(', '))}; ${e.variants.length} variant(s) × ${e.models.length} model(s) × ${e.seeds.length} seed(s) = ${r.totals.trials} trials at concurrency ${e.concurrency}.
${r.totals.ok} ok, ${r.totals.errors} failed${r.totals.resumed ? `, ${r.totals.resumed} resumed` : ''}${r.interrupted ? ' (interrupted)' : ''}.
Cost $${r.totals.costUsd.toFixed(4)} (paid by this run $${r.totals.spentUsd.toFixed(4)}), ${r.totals.calls} calls this run (${r.totals.cacheHits} cached), wall ${(r.totals.wallMs / 1000).toFixed(1)} s.</p>
<h2>Charts</h2>
<div class="charts">${charts.map((c) => `<div class="chart-wrap">${c}</div>`).join('\n')}</div>
<h2>Cells</h2>
<p class="muted">Mean ± standard deviation across seeds.</p>
<div class="scroll"><table><thead><tr><th>cell</th><th class="num">trials</th>${head}</tr></thead><tbody>
${cellRows}
</tbody></table></div>
${personaRows ? `<h2>Error rate per persona</h2><table><thead><tr><th>cell</th><th>persona</th><th class="num">target</th><th class="num">planned</th><th class="num">achieved</th></tr></thead><tbody>\n${personaRows}\n</tbody></table>` : ''}
${gateRows ? `<h2>Gates</h2><table><thead><tr><th>gate</th><th>cell</th><th class="num">value</th><th>result</th></tr></thead><tbody>\n${gateRows}\n</tbody></table>` : ''}
${r.baseline ? `<h2>Against baseline ${h(r.baseline.id)}</h2><p class="muted">Difference of cell means (this − baseline); rates in percentage points.</p><div class="scroll"><table><thead><tr><th>cell</th>${head}</tr></thead><tbody>\n${baselineRows}\n</tbody></table></div>${r.baseline.missing.length ? `<p class="muted">Not in the baseline: ${h(r.baseline.missing.join(', '))}</p>` : ''}` : ''}
<h2>Trials</h2>
<table><thead><tr><th>trial</th><th>status</th><th class="num">entries</th><th class="num">valid</th><th class="num">realised</th><th class="num">leak</th><th class="num">calibration</th><th class="num">cost</th><th class="num">time</th></tr></thead><tbody>
${trialRows}
</tbody></table>
${e.mutations ? `<h2>Fake behaviours</h2><p>Rules the faithful and leaky behaviours plant: ${h(e.mutations.planted.join(', '))}.</p><p>Catalog rules without a mutation (left as the plan writes them): ${h(e.mutations.withoutMutation.join(', ') || 'none')}.</p>` : ''}
<h2>Metrics</h2>
<ul>${[...METRICS.map((m) => `<li><code>${h(m.name)}</code>: ${h(m.description)}</li>`), ...PERSONA_METRICS.map((m) => `<li><code>${h(m.name)}.&lt;persona&gt;</code>: ${h(m.description)}</li>`)].join('')}</ul>
<p class="muted">schemacrew ${h(r.packageVersion)}; ${h(r.startedAt)} – ${h(r.finishedAt)}; data in results.json.</p>
</main></body></html>
`;
}

export async function writeExperimentReports(dir: string, results: ExperimentResults): Promise<string[]> {
  const files: [string, string][] = [
    ['results.json', JSON.stringify(results, null, 2) + '\n'],
    ['report.md', renderExperimentMarkdown(results)],
    ['report.html', renderExperimentHtml(results)],
  ];
  const out: string[] = [];
  for (const [name, content] of files) {
    const p = path.join(dir, name);
    const tmp = `${p}.tmp-${process.pid}`;
    await writeFile(tmp, content, 'utf8');
    await rename(tmp, p);
    out.push(p);
  }
  return out;
}
