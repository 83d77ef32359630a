// Small helpers over libpg-query's JSON AST (the protobuf-JSON shape: a node is an object with a
// single capitalised key, e.g. { ColumnDef: {...} }; some fields hold an unwrapped node, e.g.
// `relation` is a bare RangeVar). The AST is loosely typed on purpose: rules read a handful of
// fields and the generated @pgsql/types unions are too wide to narrow usefully.

/* eslint-disable @typescript-eslint/no-explicit-any */
export type AstNode = any;

/** The wrapped node's type and body: { CreateStmt: {...} } -> ['CreateStmt', {...}]. */
export function unwrap(node: AstNode): [string, AstNode] | undefined {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const k = keys[0]!;
  if (!/^[A-Z]/.test(k)) return undefined;
  return [k, node[k]];
}

/**
 * Visits every wrapped node below `root` (depth first, parents before children).
 * Returning false from the visitor skips that node's children.
 */
export function walk(root: AstNode, visit: (type: string, body: AstNode) => void | false): void {
  const stack: AstNode[] = [root];
  while (stack.length) {
    const n = stack.pop();
    if (!n || typeof n !== 'object') continue;
    if (Array.isArray(n)) {
      for (let i = n.length - 1; i >= 0; i--) stack.push(n[i]);
      continue;
    }
    const w = unwrap(n);
    if (w) {
      if (visit(w[0], w[1]) === false) continue;
      stack.push(w[1]);
      continue;
    }
    const vals = Object.values(n);
    for (let i = vals.length - 1; i >= 0; i--) {
      const v = vals[i];
      if (v && typeof v === 'object') stack.push(v);
    }
  }
}

/** Every plain object below root (wrapped or not), with the key it hangs from. */
export function walkObjects(root: AstNode, visit: (obj: AstNode, key: string) => void): void {
  const stack: [AstNode, string][] = [[root, '']];
  while (stack.length) {
    const [n, key] = stack.pop()!;
    if (!n || typeof n !== 'object') continue;
    if (Array.isArray(n)) {
      for (const v of n) stack.push([v, key]);
      continue;
    }
    visit(n, key);
    for (const [k, v] of Object.entries(n)) if (v && typeof v === 'object') stack.push([v, k]);
  }
}

/** ['a', 'b'] from [{String:{sval:'a'}}, {String:{sval:'b'}}] (also accepts a { List: { items } }). */
export function strings(list: AstNode): string[] {
  if (!list) return [];
  if (list.List) return strings(list.List.items);
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const item of list) {
    if (item?.String) out.push(item.String.sval ?? '');
    else if (item?.A_Star) out.push('*');
  }
  return out;
}

/** The string value of an A_Const / String node, if it is one. */
export function stringConst(node: AstNode): string | undefined {
  if (!node) return undefined;
  if (node.A_Const) return node.A_Const.sval ? (node.A_Const.sval.sval ?? '') : undefined;
  if (node.String) return node.String.sval ?? '';
  if (node.TypeCast) return stringConst(node.TypeCast.arg);
  return undefined;
}

/** Integer value of an A_Const. */
export function intConst(node: AstNode): number | undefined {
  const c = node?.A_Const;
  if (!c) return undefined;
  if (c.ival) return c.ival.ival ?? 0;
  return undefined;
}

export interface RelName {
  schema?: string;
  name: string;
}

export function rangeVarName(rv: AstNode): RelName | undefined {
  if (!rv || typeof rv.relname !== 'string') return undefined;
  return rv.schemaname ? { schema: rv.schemaname, name: rv.relname } : { name: rv.relname };
}

export function relFromList(list: AstNode): RelName | undefined {
  const parts = strings(list);
  if (!parts.length) return undefined;
  const name = parts[parts.length - 1]!;
  return parts.length > 1 ? { schema: parts[parts.length - 2], name } : { name };
}

export function formatRel(r: RelName | undefined): string {
  if (!r) return '?';
  return r.schema ? `${r.schema}.${r.name}` : r.name;
}

export interface TypeInfo {
  /** Last name part, lower-cased: varchar, bpchar, text, timestamp, timestamptz, json, uuid, bool... */
  name: string;
  schema?: string;
  /** typmods as integers (varchar(36) -> [36]). */
  mods: number[];
  array: boolean;
}

export function typeInfo(typeName: AstNode): TypeInfo | undefined {
  if (!typeName) return undefined;
  const parts = strings(typeName.names).map((s) => s.toLowerCase());
  if (!parts.length) return undefined;
  const mods: number[] = [];
  for (const m of typeName.typmods ?? []) {
    const v = intConst(m);
    if (v !== undefined) mods.push(v);
  }
  const name = parts[parts.length - 1]!;
  const info: TypeInfo = { name, mods, array: Array.isArray(typeName.arrayBounds) && typeName.arrayBounds.length > 0 };
  if (parts.length > 1) info.schema = parts[parts.length - 2];
  return info;
}

const TYPE_ALIASES: Record<string, string> = {
  'character varying': 'varchar',
  character: 'bpchar',
  char: 'bpchar',
  boolean: 'bool',
  integer: 'int4',
  int: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
};

/** Canonical short name for a type name from the AST or the catalog. */
export function canonicalType(name: string): string {
  const n = name.toLowerCase();
  return TYPE_ALIASES[n] ?? n;
}

export function formatType(t: TypeInfo | undefined): string {
  if (!t) return '?';
  const base = ({ bpchar: 'char', bool: 'boolean', int4: 'integer', int8: 'bigint', int2: 'smallint' } as Record<string, string>)[t.name] ?? t.name;
  return `${base}${t.mods.length ? `(${t.mods.join(',')})` : ''}${t.array ? '[]' : ''}`;
}

/** Constraints of a ColumnDef by type. */
export function columnConstraints(colDef: AstNode): AstNode[] {
  return (colDef?.constraints ?? []).map((c: AstNode) => c.Constraint).filter(Boolean);
}

/** Function name parts of a FuncCall, lower-cased. */
export function funcName(fc: AstNode): string[] {
  return strings(fc?.funcname).map((s) => s.toLowerCase());
}

/** The smallest non-negative `location` inside a node (bytes), if any. */
export function firstLocation(node: AstNode): number | undefined {
  let best: number | undefined;
  walkObjects(node, (obj) => {
    if (typeof obj.location === 'number' && obj.location >= 0 && (best === undefined || obj.location < best)) best = obj.location;
  });
  return best;
}

/** Column names referenced by ColumnRefs in an expression. */
export function columnRefs(expr: AstNode): string[] {
  const out: string[] = [];
  walk(expr, (type, body) => {
    if (type === 'ColumnRef') {
      const parts = strings(body.fields);
      if (parts.length) out.push(parts[parts.length - 1]!);
    }
  });
  return out;
}

/** String constants in an expression. */
export function stringConsts(expr: AstNode): string[] {
  const out: string[] = [];
  walk(expr, (type, body) => {
    if (type === 'A_Const' && body.sval) out.push(body.sval.sval ?? '');
  });
  return out;
}
