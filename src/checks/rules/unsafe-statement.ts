// unsafe-statement: anything that reaches outside the scenario's sandbox. Static: it fires with no
// database, and the catalog pass does not execute what it flags.
import { defineRule, type RuleContext, type RuleHit } from '../types.js';
import { funcName, strings, stringConst, walk, walkObjects, type AstNode } from '../ast.js';
import { routineLanguage } from '../embedded.js';

const LEDGER_SCHEMA = 'schemacrew';
const TRUSTED_LANGUAGES = new Set(['sql', 'plpgsql', 'plperl', 'pltcl', 'plv8']);

const FILE_FUNCTIONS = new Set([
  'pg_read_file', 'pg_read_binary_file', 'pg_ls_dir', 'pg_stat_file', 'lo_import', 'lo_export',
  'pg_ls_logdir', 'pg_ls_waldir', 'pg_ls_tmpdir', 'pg_ls_archive_statusdir', 'pg_ls_logicalsnapdir',
  'pg_ls_logicalmapdir', 'pg_ls_replslotdir', 'pg_file_write', 'pg_file_rename', 'pg_file_unlink', 'pg_logdir_ls',
]);
const SERVER_FUNCTIONS = new Set([
  'pg_terminate_backend', 'pg_cancel_backend', 'pg_reload_conf', 'pg_rotate_logfile', 'pg_promote', 'pg_switch_wal',
  'pg_create_restore_point', 'pg_create_physical_replication_slot', 'pg_create_logical_replication_slot',
  'pg_drop_replication_slot', 'pg_backup_start', 'pg_backup_stop',
]);
const SESSION_SETTINGS = new Set(['role', 'session_authorization', 'session_replication_role']);

const ROLE_STMTS: Record<string, string> = {
  CreateRoleStmt: 'creates a role',
  AlterRoleStmt: 'alters a role',
  AlterRoleSetStmt: 'alters a role setting',
  DropRoleStmt: 'drops a role',
  GrantRoleStmt: 'grants or revokes role membership',
  AlterDefaultPrivilegesStmt: 'alters default privileges',
  AlterOwnerStmt: 'changes an object owner',
};
const SERVER_STMTS: Record<string, string> = {
  AlterSystemStmt: 'ALTER SYSTEM changes the server configuration',
  LoadStmt: 'LOAD loads a shared library into the server',
  CheckPointStmt: 'CHECKPOINT is a server-level operation',
  CreatedbStmt: 'creates a database',
  DropdbStmt: 'drops a database',
  AlterDatabaseStmt: 'alters a database',
  AlterDatabaseSetStmt: 'alters a database setting',
  AlterDatabaseRefreshCollStmt: 'alters a database',
  CreateTableSpaceStmt: 'creates a tablespace',
  DropTableSpaceStmt: 'drops a tablespace',
  AlterTableSpaceOptionsStmt: 'alters a tablespace',
  DropOwnedStmt: 'DROP OWNED drops everything a role owns',
  ReassignOwnedStmt: 'REASSIGN OWNED moves ownership between roles',
  CreatePLangStmt: 'creates a procedural language',
  CreateForeignServerStmt: 'creates a foreign server',
  AlterForeignServerStmt: 'alters a foreign server',
  CreateFdwStmt: 'creates a foreign data wrapper',
  AlterFdwStmt: 'alters a foreign data wrapper',
  CreateUserMappingStmt: 'creates a user mapping',
  AlterUserMappingStmt: 'alters a user mapping',
  DropUserMappingStmt: 'drops a user mapping',
  CreateForeignTableStmt: 'creates a foreign table',
  ImportForeignSchemaStmt: 'imports a foreign schema',
  CreateEventTrigStmt: 'creates an event trigger',
  AlterEventTrigStmt: 'alters an event trigger',
  CreatePublicationStmt: 'creates a publication',
  AlterPublicationStmt: 'alters a publication',
  CreateSubscriptionStmt: 'creates a subscription',
  AlterSubscriptionStmt: 'alters a subscription',
  DropSubscriptionStmt: 'drops a subscription',
  AlterExtensionContentsStmt: 'changes the members of an extension',
};
const DROP_TYPES: Record<string, string> = {
  OBJECT_SCHEMA: 'drops a schema',
  OBJECT_DATABASE: 'drops a database',
  OBJECT_FOREIGN_SERVER: 'drops a foreign server',
  OBJECT_FDW: 'drops a foreign data wrapper',
  OBJECT_EVENT_TRIGGER: 'drops an event trigger',
  OBJECT_PUBLICATION: 'drops a publication',
  OBJECT_LANGUAGE: 'drops a procedural language',
};

interface Reason {
  what: string;
  location?: number;
}

function touchesLedger(node: AstNode): boolean {
  let hit = false;
  walkObjects(node, (obj) => {
    if (hit) return;
    if (obj.schemaname === LEDGER_SCHEMA || obj.newschema === LEDGER_SCHEMA) hit = true;
    else if (Array.isArray(obj.items) || Array.isArray(obj.names) || Array.isArray(obj.funcname) || Array.isArray(obj.objname)) {
      const list = strings(obj.items ?? obj.names ?? obj.funcname ?? obj.objname);
      if (list.length >= 2 && list[0] === LEDGER_SCHEMA) hit = true;
    }
    if (obj.sval && typeof obj.sval.sval === 'string' && /^\s*"?schemacrew"?\./i.test(obj.sval.sval)) hit = true;
  });
  return hit;
}

/** Why a statement (top level or embedded) is unsafe; empty when it is not. */
function reasons(type: string, node: AstNode, ctx: RuleContext): Reason[] {
  const out: Reason[] = [];
  if (ROLE_STMTS[type]) out.push({ what: ROLE_STMTS[type]! });
  if (SERVER_STMTS[type]) out.push({ what: SERVER_STMTS[type]! });
  if (type === 'GrantStmt') out.push({ what: node.is_grant ? 'GRANT changes privileges' : 'REVOKE changes privileges' });
  if (type === 'VariableSetStmt' && SESSION_SETTINGS.has(String(node.name).toLowerCase()) && node.kind !== 'VAR_RESET') {
    out.push({ what: `SET ${node.name} switches identity or bypasses triggers and constraints` });
  }
  if (type === 'VariableSetStmt' && String(node.name).toLowerCase() === 'search_path' && (node.args ?? []).some((a: AstNode) => stringConst(a) === LEDGER_SCHEMA)) {
    out.push({ what: `puts the ${LEDGER_SCHEMA} schema (the orchestrator's ledger) on the search_path` });
  }
  if (type === 'CopyStmt' && (node.filename || node.is_program)) {
    out.push({ what: node.is_program ? `COPY ... PROGRAM runs a shell command on the server` : `COPY ${node.is_from ? 'FROM' : 'TO'} a server file` });
  }
  if (type === 'DropStmt' && DROP_TYPES[node.removeType]) {
    const names = (node.objects ?? []).map((o: AstNode) => stringConst(o) ?? strings(o).join('.')).filter(Boolean);
    out.push({ what: `${DROP_TYPES[node.removeType]}${names.length ? ` (${names.join(', ')})` : ''}` });
  }
  if (type === 'RenameStmt' && ['OBJECT_SCHEMA', 'OBJECT_DATABASE', 'OBJECT_ROLE', 'OBJECT_TABLESPACE'].includes(node.renameType)) {
    out.push({ what: `renames a ${String(node.renameType).replace('OBJECT_', '').toLowerCase()}` });
  }
  if (type === 'AlterTableStmt') {
    for (const c of node.cmds ?? []) if (c.AlterTableCmd?.subtype === 'AT_ChangeOwner') out.push({ what: 'changes a table owner' });
  }
  if (type === 'CreateExtensionStmt') {
    const name = String(node.extname).toLowerCase();
    if (!ctx.config.extensionAllowList.includes(name)) {
      out.push({ what: `CREATE EXTENSION ${node.extname} is not in the allow-list (${ctx.config.extensionAllowList.join(', ')})` });
    }
  }
  if (type === 'CreateFunctionStmt' || type === 'DoStmt') {
    const lang = routineLanguage({ type, node });
    if (lang && !TRUSTED_LANGUAGES.has(lang)) out.push({ what: `${type === 'DoStmt' ? 'DO block' : 'function'} in untrusted language ${lang}` });
  }
  if (touchesLedger(node)) out.push({ what: `touches the ${LEDGER_SCHEMA} schema (the orchestrator's ledger)` });
  walk(node, (t, body) => {
    if (t !== 'FuncCall') return;
    const parts = funcName(body);
    const fn = parts[parts.length - 1] ?? '';
    const loc = typeof body.location === 'number' ? body.location : undefined;
    const at = (what: string) => out.push(loc === undefined ? { what } : { what, location: loc });
    if (FILE_FUNCTIONS.has(fn)) at(`${fn}() reads or writes server files`);
    else if (SERVER_FUNCTIONS.has(fn)) at(`${fn}() acts on the server or other sessions`);
    else if (fn.startsWith('dblink')) at(`${fn}() opens a connection to another database`);
    else if (fn === 'set_config') {
      const setting = stringConst(body.args?.[0])?.toLowerCase();
      if (setting && SESSION_SETTINGS.has(setting)) at(`set_config('${setting}', ...) switches identity`);
    }
  });
  return out;
}

const TEXT_PATTERNS: [RegExp, string][] = [
  [/\b(pg_read_file|pg_read_binary_file|pg_ls_dir|pg_stat_file|lo_import|lo_export)\s*\(/i, 'reads or writes server files'],
  [/\bdblink\w*\s*\(/i, 'opens a connection to another database'],
  [/\bschemacrew\s*\./i, `touches the ${LEDGER_SCHEMA} schema (the orchestrator's ledger)`],
  [/\b(alter\s+system|drop\s+database|create\s+database|copy\b[^;]*\bprogram\b)/i, 'runs a server-level command'],
];

export default defineRule({
  id: 'unsafe-statement',
  severity: 'blocking',
  category: 'gate',
  needs: 'static',
  blocksExecution: true,
  doc: {
    summary:
      'A statement that reaches outside the sandbox: roles and privileges, server files and programs, database-level commands, extensions outside the allow-list, foreign servers, the schemacrew ledger schema, or dynamic SQL doing any of these.',
    why: 'Migrations run as a sandbox role inside one scenario schema; these statements could escape it, change who is who, or damage the orchestrator. They are never executed by the checks.',
    fix: 'Remove the statement. Privileges, roles, extensions and server settings are the platform’s job, not a schema migration’s.',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const st of ctx.statements) {
      const found = reasons(st.type, st.node, ctx);
      for (const e of ctx.embedded(st)) {
        for (const s of e.stmts) for (const r of reasons(s.type, s.node, ctx)) found.push({ what: `${e.origin === 'execute' || e.origin === 'string' ? 'dynamic SQL ' : 'body '}${r.what}` });
        if (!e.stmts.length && e.text) {
          for (const [re, what] of TEXT_PATTERNS) if (re.test(e.text)) found.push({ what: `body ${what}` });
        }
      }
      const seen = new Set<string>();
      for (const r of found) {
        if (seen.has(r.what)) continue;
        seen.add(r.what);
        const hit: RuleHit = {
          statement: st.index,
          message: `${st.kind} is outside the sandbox: ${r.what} (not executed)`,
          hint: 'Drop this statement from the migration: roles, privileges, server access and the schemacrew schema are off limits.',
        };
        if (r.location !== undefined) hit.location = r.location;
        hits.push(hit);
      }
    }
    return hits;
  },
});
