// The contract between the engine and the rule files in ./rules/.
import type { Comment, Statement } from './parse.js';
import type { SourceText } from './source.js';
import type { Snapshot, StatementEffect } from './catalog.js';
import type { AstNode, RelName, TypeInfo } from './ast.js';

export type Severity = 'blocking' | 'advisory';
export type SeveritySetting = Severity | 'off';

export interface CheckConfig {
  severity?: Record<string, SeveritySetting>;
  wideTableColumns?: number;
  extensionAllowList?: string[];
}

export const DEFAULT_EXTENSION_ALLOW_LIST = [
  'uuid-ossp',
  'pg_trgm',
  'btree_gin',
  'btree_gist',
  'pg_stat_statements',
  'citext',
  'hstore',
  'pgcrypto',
];

/** postgres_ai's guidance treats ~20 mostly-sparse counter columns as a wide table. */
export const DEFAULT_WIDE_TABLE_COLUMNS = 20;

export interface ResolvedConfig {
  wideTableColumns: number;
  extensionAllowList: string[];
}

export interface RuleDoc {
  /** One line: what the rule finds. */
  summary: string;
  /** Why it matters. */
  why: string;
  /** How to fix it. */
  fix: string;
}

/** A finding as a rule reports it; the engine adds rule id, severity, line and column. */
export interface RuleHit {
  statement: number;
  /** UTF-8 byte offset of the offending node in the file (libpg-query's `location`); default: statement start. */
  location?: number;
  message: string;
  hint?: string;
  objects?: string[];
}

/**
 * What kind of finding a rule makes: 'defect' (the schema is worse afterwards: what personas plant
 * and monitoring tools find), 'hazard' (applying it locks or rewrites a live table: a property of
 * the change, not of the schema left behind), 'gate' (it cannot or must not run at all).
 */
export type RuleCategory = 'defect' | 'hazard' | 'gate';

export interface Rule {
  id: string;
  severity: Severity;
  category: RuleCategory;
  doc: RuleDoc;
  /**
   * 'static': the AST alone decides (runs before the catalog pass; works with no database).
   * 'catalog': reads the catalog pass when there is one (ctx.catalog), falling back to what the
   * AST shows when there is none (static-only mode, or the migration failed to apply).
   */
  needs: 'static' | 'catalog';
  /** Statements a static rule flags are not executed by the catalog pass (unsafe, transaction control). */
  blocksExecution?: boolean;
  /** Absent for findings the engine itself makes (apply-error). */
  check?: (ctx: RuleContext) => RuleHit[];
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** A column the migration defines: CREATE TABLE column, ADD COLUMN, or ALTER COLUMN TYPE. */
export interface ColumnEvent {
  statement: number;
  table: RelName;
  column: string;
  type: TypeInfo | undefined;
  /** The ColumnDef node (for ALTER COLUMN TYPE, the def carrying the new type and USING). */
  def: AstNode;
  via: 'create' | 'add' | 'alter-type';
  /** Byte offset of the column definition. */
  location?: number;
  /** The table is created by the same migration. */
  newTable: boolean;
}

export interface CatalogView {
  before: Snapshot;
  after: Snapshot;
  /** Index-aligned with statements; undefined for statements that were not executed. */
  effects: (StatementEffect | undefined)[];
  /** Rows of the pre-existing tables the migration references (reltuples, or a count for small tables). */
  rows: Map<number, number>;
  /** Statement that created a relation / constraint / trigger (by oid), if the migration did. */
  createdBy(kind: 'rel' | 'con' | 'trig', oid: number): number | undefined;
  /** '~12,345 rows' (or 'size unknown'). */
  rowsText(oid: number): string;
  /** 'AccessExclusiveLock on issues' for the locks a statement took (optionally on one relation). */
  lockText(statement: number, rel?: number): string | undefined;
}

export interface RuleContext {
  source: SourceText;
  statements: Statement[];
  comments: Comment[];
  config: ResolvedConfig;
  /** Search-path schema of the target, when given. */
  schema?: string;
  /** Present only when the catalog pass ran the whole migration without error. */
  catalog?: CatalogView;
  /** Statement that creates a table / matview of this name in the migration (first one). */
  createdAt(name: string): number | undefined;
  /** Whether a table existed before the migration (catalog when there is one, else: not created here). */
  existedBefore(name: RelName): boolean;
  /** Columns the migration defines, in order. */
  columnEvents(): ColumnEvent[];
  /** Embedded SQL (DO blocks, function bodies, EXECUTE'd constants) of a statement, parsed. */
  embedded(statement: Statement): EmbeddedSql[];
}

export interface EmbeddedSql {
  /** Where it came from: 'plpgsql', 'execute', 'sql-function', 'string'. */
  origin: string;
  text: string;
  /** Parsed statements (unwrapped nodes), empty when the text did not parse. */
  stmts: { type: string; node: AstNode }[];
  /** PL/pgSQL COMMIT / ROLLBACK seen in the body. */
  transactionControl?: string[];
}

/** Good and bad SQL for a rule, beside it in rules/<id>.cases.ts. */
export interface RuleCase {
  name: string;
  sql: string;
  /** SQL run as superuser in the case's schema before the check (tables, rows). */
  setup?: string;
  config?: CheckConfig;
}

export interface RuleCases {
  /** Setup shared by every case of the rule (run before the case's own setup). */
  setup?: string;
  bad: RuleCase[];
  good: RuleCase[];
}
