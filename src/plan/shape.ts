// What kind of change an entry is (tables created, columns added, indexes, FKs, partitions…),
// read from the real parser's AST of the entry's reference SQL. The planner only draws mistakes
// that fit the change: no "forget the FK index" on a change without a foreign key.
import { loadModule, parseSync } from 'libpg-query';

export type ShapeTag =
  | 'any'
  | 'create_table'
  | 'add_column'
  | 'create_index'
  | 'foreign_key'
  | 'unique'
  | 'partition'
  | 'matview'
  | 'alter_column_type'
  | 'drop'
  | 'select';

let loaded: Promise<void> | undefined;
export function ensureParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

function walk(node: unknown, visit: (key: string, value: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (v && typeof v === 'object' && !Array.isArray(v)) visit(k, v as Record<string, unknown>);
      walk(v, visit);
    }
  }
}

/** Tags for the change; an unparseable SQL text is just 'any'. Call ensureParser() first. */
export function changeShape(sql: string): Set<ShapeTag> {
  const tags = new Set<ShapeTag>(['any']);
  let ast: unknown;
  try {
    ast = parseSync(sql);
  } catch {
    return tags;
  }
  walk(ast, (key, v) => {
    switch (key) {
      case 'CreateStmt':
        tags.add('create_table');
        if (v.partspec) tags.add('partition');
        break;
      case 'IndexStmt':
        tags.add('create_index');
        if (v.unique) tags.add('unique');
        break;
      case 'CreateTableAsStmt':
        if (v.objtype === 'OBJECT_MATVIEW') tags.add('matview');
        break;
      case 'DropStmt':
        tags.add('drop');
        break;
      case 'SelectStmt':
        tags.add('select');
        break;
      case 'AlterTableCmd':
        if (v.subtype === 'AT_AddColumn') tags.add('add_column');
        if (v.subtype === 'AT_AlterColumnType') tags.add('alter_column_type');
        if (v.subtype === 'AT_DropColumn') tags.add('drop');
        break;
      case 'Constraint':
        if (v.contype === 'CONSTR_FOREIGN') tags.add('foreign_key');
        if (v.contype === 'CONSTR_UNIQUE') tags.add('unique');
        break;
    }
  });
  return tags;
}
