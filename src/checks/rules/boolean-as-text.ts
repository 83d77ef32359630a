// boolean-as-text: a text/varchar/char column used as a boolean.
import { defineRule, type RuleHit } from '../types.js';
import { columnConstraints, columnRefs, stringConst, stringConsts, type AstNode } from '../ast.js';

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar']);
const BOOL_NAME = /^(is|has|can|should|was|allow|allows|needs|use|uses|show)_|_(flag|enabled|disabled)$/;
const BOOL_LITERALS = new Set(['true', 'false', 't', 'f', 'yes', 'no', 'y', 'n', 'on', 'off']);

function checkValues(expr: AstNode, column: string): string[] | undefined {
  const refs = columnRefs(expr);
  if (!refs.length || refs.some((r) => r !== column)) return undefined;
  const vals = stringConsts(expr).map((v) => v.toLowerCase());
  return vals.length && vals.every((v) => BOOL_LITERALS.has(v)) ? vals : undefined;
}

export default defineRule({
  id: 'boolean-as-text',
  severity: 'advisory',
  category: 'defect',
  needs: 'static',
  doc: {
    summary: 'A text, varchar or char column used as a boolean: an is_/has_/can_ name, a \'true\'/\'false\' default, or a CHECK limited to true/false-like strings.',
    why: 'Text booleans take more space, accept any spelling (\'false\', \'False\', \'no\', \'0\'), need string comparisons in every query and cannot be indexed or filtered as cleanly as boolean.',
    fix: 'Use BOOLEAN (DEFAULT false); convert an existing column with ALTER COLUMN ... TYPE boolean USING col::boolean.',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const e of ctx.columnEvents()) {
      if (!e.type || e.type.array || !TEXT_TYPES.has(e.type.name)) continue;
      const reasons: string[] = [];
      if (BOOL_NAME.test(e.column)) reasons.push('its name reads as a yes/no flag');
      for (const c of columnConstraints(e.def)) {
        if (c.contype === 'CONSTR_DEFAULT') {
          const v = stringConst(c.raw_expr)?.toLowerCase();
          if (v !== undefined && BOOL_LITERALS.has(v)) reasons.push(`its default is '${v}'`);
        }
        if (c.contype === 'CONSTR_CHECK' && checkValues(c.raw_expr, e.column)) reasons.push('its CHECK allows only true/false-like strings');
      }
      const st = ctx.statements[e.statement];
      if (st?.type === 'CreateStmt') {
        for (const el of st.node.tableElts ?? []) {
          if (el.Constraint?.contype === 'CONSTR_CHECK' && checkValues(el.Constraint.raw_expr, e.column)) {
            reasons.push('its CHECK allows only true/false-like strings');
          }
        }
      }
      if (!reasons.length) continue;
      hits.push({
        statement: e.statement,
        ...(e.location !== undefined ? { location: e.location } : {}),
        message: `${e.table.name}.${e.column} is ${e.type.name === 'bpchar' ? 'char' : e.type.name} but holds a boolean (${[...new Set(reasons)].join('; ')})`,
        hint: e.via === 'create' ? `Declare ${e.column} BOOLEAN DEFAULT false.` : `ALTER TABLE ${e.table.name} ALTER COLUMN ${e.column} TYPE boolean USING ${e.column}::boolean;`,
        objects: [e.table.name, `${e.table.name}.${e.column}`],
      });
    }
    return hits;
  },
});
