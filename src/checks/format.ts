// Output formats of `schemacrew check`: text for people, JSON for scripts, SARIF 2.1.0 for code
// scanning tools.
import pc from 'picocolors';
import type { CheckResult, Finding } from './engine.js';
import type { Rule } from './types.js';

export type OutputFormat = 'text' | 'json' | 'sarif';

/** `{"findings":[{rule, severity, statement, line, column, message}]}` and nothing else. */
export function formatJson(result: CheckResult): string {
  return JSON.stringify({
    findings: result.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      statement: f.statement,
      line: f.line,
      column: f.column,
      message: f.message,
    })),
  });
}

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export function formatSarif(result: CheckResult, opts: { file: string; rules: Rule[]; version?: string }): string {
  const index = new Map(opts.rules.map((r, i) => [r.id, i]));
  const level = (s: Finding['severity']) => (s === 'blocking' ? 'error' : 'warning');
  const toResult = (f: Finding, suppressed: boolean) => ({
    ruleId: f.rule,
    ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
    level: level(f.severity),
    message: { text: f.hint ? `${f.message}\nFix: ${f.hint}` : f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: opts.file },
          region: { startLine: f.line, startColumn: f.column },
        },
      },
    ],
    properties: { statement: f.statement, ...(f.objects ? { objects: f.objects } : {}) },
    ...(suppressed ? { suppressions: [{ kind: 'inSource', justification: 'schemacrew-ignore comment' }] } : {}),
  });
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'schemacrew',
            version: opts.version ?? '0.1.0',
            rules: opts.rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text: r.doc.summary },
              fullDescription: { text: r.doc.why },
              help: { text: `${r.doc.summary}\n\nWhy: ${r.doc.why}\n\nFix: ${r.doc.fix}`, markdown: `${r.doc.summary}\n\n**Why:** ${r.doc.why}\n\n**Fix:** ${r.doc.fix}` },
              defaultConfiguration: { level: level(r.severity) },
              properties: { needs: r.needs },
            })),
          },
        },
        artifacts: [{ location: { uri: opts.file } }],
        results: [...result.findings.map((f) => toResult(f, false)), ...result.suppressed.map((f) => toResult(f, true))],
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}

export function formatText(result: CheckResult, opts: { file: string; color: boolean; mode?: string }): string {
  const c = pc.createColors(opts.color);
  const lines: string[] = [];
  const byStatement = new Map<number, Finding[]>();
  for (const f of result.findings) byStatement.set(f.statement, [...(byStatement.get(f.statement) ?? []), f]);
  const sev = (f: Finding) => (f.severity === 'blocking' ? c.red(c.bold('blocking')) : c.yellow('advisory'));
  lines.push(c.bold(opts.file) + (opts.mode ? c.dim(`  (${opts.mode})`) : ''));
  for (const [index, findings] of [...byStatement.entries()].sort((a, b) => a[0] - b[0])) {
    const st = result.statements[index];
    const head = st ? `${st.kind} at ${st.line}:${st.column}` : '';
    lines.push('');
    lines.push(`  ${c.cyan(`statement ${index}`)}${head ? c.dim(`  ${head}`) : ''}`);
    if (st) lines.push(c.dim(`    ${firstLine(st.text)}`));
    for (const f of findings) {
      lines.push(`    ${c.dim(`${f.line}:${f.column}`.padEnd(8))} ${sev(f)}  ${c.bold(f.rule)}  ${f.message}`);
      if (f.hint) lines.push(`    ${' '.repeat(8)} ${c.dim(`fix: ${f.hint}`)}`);
    }
  }
  if (result.suppressed.length) {
    lines.push('');
    lines.push(`  ${c.dim('suppressed by schemacrew-ignore:')}`);
    for (const f of result.suppressed) lines.push(c.dim(`    ${`${f.line}:${f.column}`.padEnd(8)} ${f.rule}  ${f.message}`));
  }
  const blocking = result.findings.filter((f) => f.severity === 'blocking').length;
  const advisory = result.findings.length - blocking;
  lines.push('');
  const summary = `${blocking} blocking, ${advisory} advisory finding${result.findings.length === 1 ? '' : 's'} in ${result.statements.length} statement${result.statements.length === 1 ? '' : 's'}${result.suppressed.length ? `, ${result.suppressed.length} suppressed` : ''}`;
  lines.push(blocking ? c.red(c.bold(summary)) : result.findings.length ? c.yellow(summary) : c.green(summary));
  return lines.join('\n');
}

function firstLine(text: string): string {
  const l = text.split('\n')[0] ?? '';
  const more = text.includes('\n') ? ' …' : '';
  return l.length > 100 ? `${l.slice(0, 99)}…` : l + more;
}
