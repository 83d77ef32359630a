// SQL hidden inside other SQL: DO blocks and PL/pgSQL function bodies (parsed with the real
// PL/pgSQL parser), SQL-language function bodies, and string constants handed to EXECUTE or
// format() that are themselves SQL (re-parsed when they are constants).
import { parsePlPgSQLSync, parseSync, scanSync } from 'libpg-query';
import { strings, unwrap, walk, walkObjects, type AstNode } from './ast.js';
import type { Statement } from './parse.js';
import type { EmbeddedSql } from './types.js';

const SQL_START =
  /^\s*(create|drop|alter|grant|revoke|copy|set|reset|select|insert|update|delete|do|truncate|begin|start|commit|rollback|end|abort|load|vacuum|reindex|comment|lock|savepoint|release|prepare|reassign|security|import|refresh|cluster|checkpoint|call|with|merge)\b/i;

function parseStmts(text: string): { type: string; node: AstNode }[] | undefined {
  try {
    const out: { type: string; node: AstNode }[] = [];
    for (const s of parseSync(text).stmts ?? []) {
      const w = unwrap(s.stmt);
      if (w) out.push({ type: w[0], node: w[1] });
    }
    return out;
  } catch {
    return undefined;
  }
}

/** format() placeholders replaced by something that parses: %I -> identifier, %L -> literal, %s -> identifier. */
function fillPlaceholders(s: string): string {
  return s
    .replace(/%(\d+\$)?-?\d*I/g, 'sc_ident')
    .replace(/%(\d+\$)?-?\d*L/g, "'sc_literal'")
    .replace(/%(\d+\$)?-?\d*s/g, 'sc_value')
    .replace(/%%/g, '%');
}

/** String constants inside parsed statements that are SQL themselves, parsed (depth-limited). */
function nestedStrings(stmts: { node: AstNode }[], out: EmbeddedSql[], depth: number): void {
  if (depth > 2) return;
  for (const s of stmts) {
    walk(s.node, (type, body) => {
      if (type === 'A_Const' && body.sval) {
        const text = body.sval.sval ?? '';
        if (text.length >= 4 && SQL_START.test(text)) {
          const parsed = parseStmts(fillPlaceholders(text));
          if (parsed && parsed.length) {
            out.push({ origin: 'string', text, stmts: parsed });
            nestedStrings(parsed, out, depth + 1);
          }
        }
      }
    });
  }
}

function fromPlpgsql(createFunctionSql: string, out: EmbeddedSql[]): boolean {
  let tree: AstNode;
  try {
    tree = parsePlPgSQLSync(createFunctionSql);
  } catch {
    return false;
  }
  const txn: string[] = [];
  walkObjects(tree, (obj, key) => {
    if (key === 'PLpgSQL_stmt_commit') txn.push('COMMIT');
    if (key === 'PLpgSQL_stmt_rollback') txn.push('ROLLBACK');
    const expr = obj.PLpgSQL_expr;
    if (!expr || typeof expr.query !== 'string') return;
    let q: string = expr.query;
    const mode: number = expr.parseMode ?? 0;
    let parsed: { type: string; node: AstNode }[] | undefined;
    if (mode === 0) parsed = parseStmts(q);
    if (!parsed) {
      const assign = /^[^']*?:=/.exec(q);
      if (assign) q = q.slice(assign[0].length);
      parsed = parseStmts(`SELECT ${q}`);
    }
    if (!parsed) return;
    const origin = key === 'query' ? 'execute' : 'plpgsql';
    out.push({ origin, text: expr.query, stmts: parsed });
    nestedStrings(parsed, out, 1);
  });
  if (txn.length) out.push({ origin: 'plpgsql', text: '', stmts: [], transactionControl: txn });
  return true;
}

/** When the PL/pgSQL parser refuses a body: its string constants that are SQL, and the raw text. */
function fallbackStrings(body: string, out: EmbeddedSql[]): void {
  out.push({ origin: 'plpgsql', text: body, stmts: [] });
  let tokens;
  try {
    tokens = scanSync(body).tokens;
  } catch {
    return;
  }
  for (const t of tokens) {
    if (t.tokenName !== 'SCONST') continue;
    const raw = t.text;
    const s = raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw.replace(/^\$[^$]*\$/, '').replace(/\$[^$]*\$$/, '');
    if (!SQL_START.test(s)) continue;
    const parsed = parseStmts(fillPlaceholders(s));
    if (parsed && parsed.length) {
      out.push({ origin: 'string', text: s, stmts: parsed });
      nestedStrings(parsed, out, 1);
    }
  }
}

function dollarQuote(body: string): string {
  let tag = 'sc';
  while (body.includes(`$${tag}$`)) tag += 'x';
  return `$${tag}$${body}$${tag}$`;
}

function option(options: AstNode[] | undefined, name: string): AstNode | undefined {
  return (options ?? []).map((o: AstNode) => o.DefElem).find((d: AstNode) => d?.defname === name);
}

/** Language of a CREATE FUNCTION / DO statement, lower-cased ('plpgsql' by default for DO). */
export function routineLanguage(st: { type: string; node: AstNode }): string | undefined {
  if (st.type === 'DoStmt') {
    const l = option(st.node.args, 'language');
    return (l?.arg?.String?.sval ?? 'plpgsql').toLowerCase();
  }
  if (st.type === 'CreateFunctionStmt') {
    const l = option(st.node.options, 'language');
    return l?.arg?.String?.sval?.toLowerCase() ?? (st.node.sql_body ? 'sql' : undefined);
  }
  return undefined;
}

/** Everything embedded in one statement, parsed. */
export function embeddedSql(st: Pick<Statement, 'type' | 'node' | 'text'>): EmbeddedSql[] {
  const out: EmbeddedSql[] = [];
  const lang = routineLanguage(st);
  if (st.type === 'DoStmt') {
    const body: string = option(st.node.args, 'as')?.arg?.String?.sval ?? '';
    if (lang === 'plpgsql') {
      const fn = `CREATE FUNCTION pg_temp.schemacrew_do() RETURNS void LANGUAGE plpgsql AS ${dollarQuote(body)}`;
      if (!fromPlpgsql(fn, out)) fallbackStrings(body, out);
    } else out.push({ origin: lang ?? 'do', text: body, stmts: [] });
  } else if (st.type === 'CreateFunctionStmt') {
    const as = strings(option(st.node.options, 'as')?.arg);
    const body = as[0] ?? '';
    if (lang === 'plpgsql') {
      if (!fromPlpgsql(st.text, out)) fallbackStrings(body, out);
    } else if (lang === 'sql' && body) {
      const parsed = parseStmts(body);
      if (parsed) {
        out.push({ origin: 'sql-function', text: body, stmts: parsed });
        nestedStrings(parsed, out, 1);
      } else out.push({ origin: 'sql-function', text: body, stmts: [] });
    } else if (body) out.push({ origin: lang ?? 'function', text: body, stmts: [] });
  }
  return out;
}
