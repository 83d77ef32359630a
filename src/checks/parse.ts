// Parsing a migration with the real Postgres 18 parser (libpg-query, WASM): statements with their
// positions, comments (the AST drops them; the scanner keeps them), ignore directives, and for
// statements that cannot run inside a transaction the in-transaction equivalent the catalog pass
// runs instead.
import { loadModule, parseSync, scanSync } from 'libpg-query';
import { SourceText } from './source.js';
import { unwrap, rangeVarName, formatRel, type AstNode } from './ast.js';

await loadModule();

export interface Comment {
  /** UTF-8 byte offsets in the file. */
  start: number;
  end: number;
  text: string;
  block: boolean;
  line: number;
  column: number;
  /** Index of the statement the comment sits in, or precedes (the next one); -1 after the last. */
  statement: number;
  /** True when the comment lies inside the statement's text rather than before it. */
  inside: boolean;
}

export interface Statement {
  index: number;
  /** AST node type, e.g. 'CreateStmt', 'IndexStmt'. */
  type: string;
  /** The node body (the value under `type`). */
  node: AstNode;
  /** UTF-8 byte range of the statement text (first token to last, no trailing semicolon). */
  start: number;
  end: number;
  text: string;
  line: number;
  column: number;
  /** Readable command, e.g. 'CREATE INDEX CONCURRENTLY', 'ALTER TABLE'. */
  kind: string;
  /** Can run inside a transaction block. */
  transactional: boolean;
  /**
   * What the catalog pass executes for this statement: the text itself, an in-transaction
   * equivalent (CONCURRENTLY removed), or null when it is not run (reason in runNote).
   */
  runText: string | null;
  runNote?: string;
  /** For runText produced by removing a keyword: UTF-16 index (in text) and length of the cut. */
  runCut?: { at: number; length: number };
  /** Rule ids suppressed by a `schemacrew-ignore:` comment before the statement. */
  ignored: Set<string>;
  ignoreReason?: string;
}

export interface ParsedMigration {
  source: SourceText;
  statements: Statement[];
  comments: Comment[];
  /** A syntax error: the parser's message and the character offset (UTF-16 index) in the file. */
  error?: { message: string; index: number; statement: number };
}

const WS = new Set([' ', '\t', '\n', '\r', '\f', '\v']);

/** Skips whitespace and comments from UTF-16 index i; records comments found. */
function skipTrivia(text: string, i: number, end: number, found?: { from: number; to: number; block: boolean }[]): number {
  while (i < end) {
    const c = text[i]!;
    if (WS.has(c) || c === ';') {
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      let j = text.indexOf('\n', i);
      if (j === -1 || j > end) j = end;
      found?.push({ from: i, to: j, block: false });
      i = j;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < end && depth > 0) {
        if (text[j] === '/' && text[j + 1] === '*') {
          depth++;
          j += 2;
        } else if (text[j] === '*' && text[j + 1] === '/') {
          depth--;
          j += 2;
        } else j++;
      }
      found?.push({ from: i, to: Math.min(j, end), block: true });
      i = j;
      continue;
    }
    break;
  }
  return i;
}

const OBJECT_WORDS: Record<string, string> = {
  OBJECT_MATVIEW: 'MATERIALIZED VIEW',
  OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
  OBJECT_FDW: 'FOREIGN DATA WRAPPER',
  OBJECT_FOREIGN_SERVER: 'SERVER',
  OBJECT_TABCONSTRAINT: 'CONSTRAINT',
  OBJECT_EVENT_TRIGGER: 'EVENT TRIGGER',
  OBJECT_STATISTIC_EXT: 'STATISTICS',
  OBJECT_TSCONFIGURATION: 'TEXT SEARCH CONFIGURATION',
  OBJECT_TSDICTIONARY: 'TEXT SEARCH DICTIONARY',
  OBJECT_USER_MAPPING: 'USER MAPPING',
};

function objectWords(objtype: string | undefined): string {
  if (!objtype) return '';
  return OBJECT_WORDS[objtype] ?? objtype.replace(/^OBJECT_/, '').replace(/_/g, ' ');
}

const KIND_BY_TYPE: Record<string, string> = {
  CreateStmt: 'CREATE TABLE',
  IndexStmt: 'CREATE INDEX',
  ViewStmt: 'CREATE VIEW',
  CreateFunctionStmt: 'CREATE FUNCTION',
  CreateTrigStmt: 'CREATE TRIGGER',
  CreateEnumStmt: 'CREATE TYPE',
  CreateDomainStmt: 'CREATE DOMAIN',
  CompositeTypeStmt: 'CREATE TYPE',
  CreateSeqStmt: 'CREATE SEQUENCE',
  AlterSeqStmt: 'ALTER SEQUENCE',
  AlterEnumStmt: 'ALTER TYPE',
  CreateExtensionStmt: 'CREATE EXTENSION',
  CreateSchemaStmt: 'CREATE SCHEMA',
  CreatedbStmt: 'CREATE DATABASE',
  DropdbStmt: 'DROP DATABASE',
  CreateRoleStmt: 'CREATE ROLE',
  AlterRoleStmt: 'ALTER ROLE',
  DropRoleStmt: 'DROP ROLE',
  GrantStmt: 'GRANT',
  GrantRoleStmt: 'GRANT',
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
  SelectStmt: 'SELECT',
  CopyStmt: 'COPY',
  DoStmt: 'DO',
  CommentStmt: 'COMMENT',
  VacuumStmt: 'VACUUM',
  ReindexStmt: 'REINDEX',
  TruncateStmt: 'TRUNCATE',
  LockStmt: 'LOCK',
  VariableSetStmt: 'SET',
  VariableShowStmt: 'SHOW',
  AlterSystemStmt: 'ALTER SYSTEM',
  LoadStmt: 'LOAD',
  RefreshMatViewStmt: 'REFRESH MATERIALIZED VIEW',
  RuleStmt: 'CREATE RULE',
  CreatePolicyStmt: 'CREATE POLICY',
  CreateForeignServerStmt: 'CREATE SERVER',
  CreateFdwStmt: 'CREATE FOREIGN DATA WRAPPER',
  CreateUserMappingStmt: 'CREATE USER MAPPING',
  CreateForeignTableStmt: 'CREATE FOREIGN TABLE',
  ImportForeignSchemaStmt: 'IMPORT FOREIGN SCHEMA',
  DropOwnedStmt: 'DROP OWNED',
  ReassignOwnedStmt: 'REASSIGN OWNED',
  CallStmt: 'CALL',
  ExplainStmt: 'EXPLAIN',
  CheckPointStmt: 'CHECKPOINT',
  ClusterStmt: 'CLUSTER',
  CreateTableSpaceStmt: 'CREATE TABLESPACE',
  DropTableSpaceStmt: 'DROP TABLESPACE',
  CreateEventTrigStmt: 'CREATE EVENT TRIGGER',
  CreatePublicationStmt: 'CREATE PUBLICATION',
  CreateSubscriptionStmt: 'CREATE SUBSCRIPTION',
  DropSubscriptionStmt: 'DROP SUBSCRIPTION',
  CreateStatsStmt: 'CREATE STATISTICS',
  AlterDefaultPrivilegesStmt: 'ALTER DEFAULT PRIVILEGES',
};

function kindOf(type: string, node: AstNode): string {
  switch (type) {
    case 'IndexStmt':
      return `CREATE${node.unique ? ' UNIQUE' : ''} INDEX${node.concurrent ? ' CONCURRENTLY' : ''}`;
    case 'AlterTableStmt': {
      const base = `ALTER ${objectWords(node.objtype) || 'TABLE'}`;
      const detach = (node.cmds ?? []).some(
        (c: AstNode) => c.AlterTableCmd?.subtype === 'AT_DetachPartition' && c.AlterTableCmd.def?.PartitionCmd?.concurrent,
      );
      return detach ? `${base} DETACH PARTITION CONCURRENTLY` : base;
    }
    case 'DropStmt':
      return `DROP ${objectWords(node.removeType)}${node.concurrent ? ' CONCURRENTLY' : ''}`;
    case 'CreateTableAsStmt':
      return node.objtype === 'OBJECT_MATVIEW' ? 'CREATE MATERIALIZED VIEW' : 'CREATE TABLE AS';
    case 'RenameStmt':
      return `ALTER ${objectWords(node.renameType)} RENAME`;
    case 'AlterObjectSchemaStmt':
      return `ALTER ${objectWords(node.objectType)} SET SCHEMA`;
    case 'AlterOwnerStmt':
      return `ALTER ${objectWords(node.objectType)} OWNER`;
    case 'ReindexStmt':
      return `REINDEX${isConcurrentReindex(node) ? ' CONCURRENTLY' : ''}`;
    case 'VacuumStmt':
      return node.is_vacuumcmd ? 'VACUUM' : 'ANALYZE';
    case 'TransactionStmt':
      return String(node.kind ?? 'TRANS_STMT')
        .replace(/^TRANS_STMT_/, '')
        .replace(/_/g, ' ')
        .replace(/^PREPARE$/, 'PREPARE TRANSACTION')
        .replace(/^START$/, 'START TRANSACTION');
    case 'VariableSetStmt':
      return node.kind === 'VAR_RESET' || node.kind === 'VAR_RESET_ALL' ? 'RESET' : 'SET';
    case 'CreateStmt':
      return node.partbound ? 'CREATE TABLE PARTITION OF' : 'CREATE TABLE';
    default:
      return (
        KIND_BY_TYPE[type] ??
        type
          .replace(/Stmt$/, '')
          .replace(/([a-z])([A-Z])/g, '$1 $2')
          .toUpperCase()
      );
  }
}

function isConcurrentReindex(node: AstNode): boolean {
  return (node.params ?? []).some((p: AstNode) => p.DefElem?.defname === 'concurrently');
}

interface RunPlan {
  transactional: boolean;
  /** 'as-is' runs the text; 'cut' removes the CONCURRENTLY keyword; a string runs that SQL; null skips. */
  run: 'as-is' | 'cut' | string | null;
  note?: string;
}

function runPlan(type: string, node: AstNode): RunPlan {
  switch (type) {
    case 'IndexStmt':
      return node.concurrent
        ? { transactional: false, run: 'cut', note: 'analysed as the same CREATE INDEX without CONCURRENTLY' }
        : { transactional: true, run: 'as-is' };
    case 'DropStmt':
      return node.concurrent
        ? { transactional: false, run: 'cut', note: 'analysed as the same DROP INDEX without CONCURRENTLY' }
        : { transactional: true, run: 'as-is' };
    case 'AlterTableStmt': {
      const conc = (node.cmds ?? []).some(
        (c: AstNode) => c.AlterTableCmd?.subtype === 'AT_DetachPartition' && c.AlterTableCmd.def?.PartitionCmd?.concurrent,
      );
      return conc
        ? { transactional: false, run: 'cut', note: 'analysed as the same DETACH PARTITION without CONCURRENTLY' }
        : { transactional: true, run: 'as-is' };
    }
    case 'ReindexStmt': {
      const conc = isConcurrentReindex(node);
      const target =
        node.kind === 'REINDEX_OBJECT_INDEX' ? 'INDEX' : node.kind === 'REINDEX_OBJECT_TABLE' ? 'TABLE' : undefined;
      if (!target) return { transactional: false, run: null, note: 'REINDEX SCHEMA/DATABASE/SYSTEM cannot run in a transaction; not executed' };
      if (!conc) return { transactional: true, run: 'as-is' };
      const rel = rangeVarName(node.relation);
      const q = rel ? formatRel({ ...(rel.schema ? { schema: quoteIdent(rel.schema) } : {}), name: quoteIdent(rel.name) }) : '';
      return { transactional: false, run: `REINDEX ${target} ${q}`, note: `analysed as REINDEX ${target} without CONCURRENTLY` };
    }
    case 'VacuumStmt':
      return node.is_vacuumcmd
        ? { transactional: false, run: null, note: 'VACUUM cannot run in a transaction and changes no schema; not executed' }
        : { transactional: true, run: 'as-is' };
    case 'TransactionStmt':
      return { transactional: false, run: null, note: 'transaction control is owned by the orchestrator; not executed' };
    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
    case 'AlterSystemStmt':
    case 'CreateSubscriptionStmt':
    case 'DropSubscriptionStmt':
      return { transactional: false, run: null, note: 'cannot run in a transaction; not executed' };
    case 'ClusterStmt':
      return node.relation ? { transactional: true, run: 'as-is' } : { transactional: false, run: null, note: 'CLUSTER without a table cannot run in a transaction; not executed' };
    default:
      return { transactional: true, run: 'as-is' };
  }
}

/**
 * An identifier as Postgres's quote_ident would write it: bare when it is lower-case, simple and not
 * a keyword that needs quoting (the real scanner says which: `user`, `order` and `interval` do, `name`
 * does not), quoted otherwise.
 */
export function quoteIdent(s: string): string {
  const bare = /^[a-z_][a-z0-9_$]*$/.test(s) && (scanSync(s).tokens?.[0]?.keywordKind ?? 0) <= 1;
  return bare ? s : `"${s.replace(/"/g, '""')}"`;
}

/** Removes the first CONCURRENTLY keyword token (and one following space) from a statement. */
function cutConcurrently(text: string): { text: string; at: number; length: number } | undefined {
  let tokens;
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return undefined;
  }
  const src = new SourceText(text);
  for (const t of tokens) {
    if (t.keywordKind !== 0 && t.text.toUpperCase() === 'CONCURRENTLY') {
      const at = src.indexOfByte(t.start);
      let to = src.indexOfByte(t.end);
      if (text[to] === ' ') to++;
      return { text: text.slice(0, at) + text.slice(to), at, length: to - at };
    }
  }
  return undefined;
}

const IGNORE_RE = /schemacrew-ignore\s*:\s*(.*)$/s;

/** `-- schemacrew-ignore: rule-a, rule-b reason` -> rule ids and reason. */
export function parseIgnore(comment: string): { rules: string[]; reason: string } | undefined {
  const body = comment.replace(/^--/, '').replace(/^\/\*/, '').replace(/\*\/$/, '');
  const m = IGNORE_RE.exec(body);
  if (!m) return undefined;
  let rest = m[1]!.trim();
  const rules: string[] = [];
  for (;;) {
    const r = /^([a-z0-9][a-z0-9-]*)\s*(,)?\s*/i.exec(rest);
    if (!r) break;
    rules.push(r[1]!.toLowerCase());
    rest = rest.slice(r[0].length);
    if (!r[2]) break;
  }
  return rules.length ? { rules, reason: rest.trim() } : undefined;
}

interface RawStmt {
  stmt: AstNode;
  stmt_location?: number;
  stmt_len?: number;
}

/** Parses a migration. Never throws for bad SQL: a syntax error comes back in `error`. */
export function parseMigration(sql: string): ParsedMigration {
  const source = new SourceText(sql);
  let raw: RawStmt[];
  try {
    // The parser refuses an empty string; an empty migration has no statements.
    raw = sql.length ? ((parseSync(sql).stmts ?? []) as RawStmt[]) : [];
  } catch (err) {
    const details = (err as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
    const cursor = details?.cursorPosition ?? 0;
    const index = source.indexAfterChars(0, Math.max(0, cursor));
    return {
      source,
      statements: [],
      comments: [],
      error: { message: details?.message ?? (err as Error).message, index, statement: statementOrdinalAt(sql, index) },
    };
  }

  const statements: Statement[] = [];
  const comments: Comment[] = [];
  const text = sql;
  let prevEndIdx = 0;
  const addComment = (from: number, to: number, block: boolean, statement: number, inside: boolean) => {
    const pos = source.positionOfIndex(from);
    comments.push({
      start: source.byteOfIndex(from),
      end: source.byteOfIndex(to),
      text: text.slice(from, to),
      block,
      line: pos.line,
      column: pos.column,
      statement,
      inside,
    });
  };

  for (const r of raw) {
    const w = unwrap(r.stmt);
    if (!w) continue;
    const [type, node] = w;
    const locByte = r.stmt_location ?? 0;
    const endByte = r.stmt_len ? locByte + r.stmt_len : source.byteLength;
    const segStart = source.indexOfByte(locByte);
    let segEnd = source.indexOfByte(endByte);
    const index = statements.length;
    // Comments between the previous statement and this one belong before this statement.
    const gap: { from: number; to: number; block: boolean }[] = [];
    skipTrivia(text, prevEndIdx, segStart, gap);
    const found: { from: number; to: number; block: boolean }[] = [];
    const startIdx = skipTrivia(text, segStart, segEnd, found);
    for (const c of [...gap, ...found]) addComment(c.from, c.to, c.block, index, false);
    while (segEnd > startIdx && WS.has(text[segEnd - 1]!)) segEnd--;
    const stmtText = text.slice(startIdx, segEnd);
    // Comments inside the statement: the real scanner, only when there can be one.
    if (stmtText.includes('--') || stmtText.includes('/*')) {
      try {
        const st = new SourceText(stmtText);
        for (const t of scanSync(stmtText).tokens) {
          if (t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT') {
            addComment(startIdx + st.indexOfByte(t.start), startIdx + st.indexOfByte(t.end), t.tokenName === 'C_COMMENT', index, true);
          }
        }
      } catch {
        /* an unscannable statement cannot have parsed; nothing to add */
      }
    }
    const pos = source.positionOfIndex(startIdx);
    const plan = runPlan(type, node);
    let runText: string | null = null;
    let runCut: Statement['runCut'];
    if (plan.run === 'as-is') runText = stmtText;
    else if (plan.run === 'cut') {
      const cut = cutConcurrently(stmtText);
      if (cut) {
        runText = cut.text;
        runCut = { at: cut.at, length: cut.length };
      } else runText = stmtText;
    } else if (typeof plan.run === 'string') runText = plan.run;
    const st: Statement = {
      index,
      type,
      node,
      start: source.byteOfIndex(startIdx),
      end: source.byteOfIndex(segEnd),
      text: stmtText,
      line: pos.line,
      column: pos.column,
      kind: kindOf(type, node),
      transactional: plan.transactional,
      runText,
      ignored: new Set(),
    };
    if (plan.note) st.runNote = plan.note;
    if (runCut) st.runCut = runCut;
    statements.push(st);
    prevEndIdx = segEnd;
  }
  // Trailing comments after the last statement.
  const tail: { from: number; to: number; block: boolean }[] = [];
  skipTrivia(text, prevEndIdx, text.length, tail);
  for (const c of tail) addComment(c.from, c.to, c.block, -1, false);

  // Ignore directives: a comment before a statement (between it and the previous one).
  for (const c of comments) {
    if (c.inside || c.statement < 0) continue;
    const ig = parseIgnore(c.text);
    if (!ig) continue;
    const st = statements[c.statement]!;
    for (const r of ig.rules) st.ignored.add(r);
    st.ignoreReason = [st.ignoreReason, ig.reason].filter(Boolean).join('; ');
  }
  return { source, statements, comments };
}

/** How many statements end before a UTF-16 index (for a syntax error's statement number). */
function statementOrdinalAt(sql: string, index: number): number {
  // Parse the text up to the last semicolon before the error; what parses are the earlier statements.
  let cut = sql.lastIndexOf(';', index - 1);
  for (let tries = 0; cut > 0 && tries < 20; tries++) {
    try {
      return (parseSync(sql.slice(0, cut + 1)).stmts ?? []).length;
    } catch {
      cut = sql.lastIndexOf(';', cut - 1);
    }
  }
  return 0;
}
