// uuid-as-text: a text/varchar/char column that holds UUIDs.
import { defineRule, type RuleContext, type RuleHit } from '../types.js';
import { columnConstraints, funcName, walk, type AstNode } from '../ast.js';

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar']);

/** Whether the schema's keys are uuid: most single-column primary keys are. */
function keysAreUuid(ctx: RuleContext): boolean {
  let uuid = 0;
  let other = 0;
  const cat = ctx.catalog;
  if (cat) {
    uuid += cat.before.uuidKeys.uuid;
    other += cat.before.uuidKeys.total - cat.before.uuidKeys.uuid;
  }
  for (const e of ctx.columnEvents()) {
    if (e.column !== 'id' || !e.type) continue;
    if (e.type.name === 'uuid') uuid++;
    else other++;
  }
  return uuid > 0 && uuid >= other;
}

function usesUuid(expr: AstNode): boolean {
  let hit = false;
  walk(expr, (type, body) => {
    if (type === 'FuncCall') {
      const fn = funcName(body).pop() ?? '';
      if (fn === 'gen_random_uuid' || fn.startsWith('uuid_generate_')) hit = true;
    }
    if (type === 'TypeCast' && body.typeName?.names?.some((n: AstNode) => n.String?.sval === 'uuid')) hit = true;
  });
  return hit;
}

export default defineRule({
  id: 'uuid-as-text',
  severity: 'advisory',
  category: 'defect',
  needs: 'catalog',
  doc: {
    summary: 'A text, varchar or char column that holds UUIDs: char(36)/varchar(36), an *_id column of a text type in a schema keyed by uuid, or a uuid-generating default.',
    why: 'A uuid is 16 bytes; as text it is 37+ bytes, compares slower, accepts malformed values, and cannot carry a foreign key to the uuid keys it refers to.',
    fix: 'Declare the column UUID (ALTER COLUMN ... TYPE uuid USING col::uuid) and add the foreign key it implies.',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    let uuidKeys: boolean | undefined;
    for (const e of ctx.columnEvents()) {
      if (!e.type || e.type.array || !TEXT_TYPES.has(e.type.name)) continue;
      const len = e.type.mods[0];
      const reasons: string[] = [];
      if (len === 36 && e.type.name !== 'text') reasons.push(`${e.type.name === 'bpchar' ? 'char' : 'varchar'}(36) is the length of a UUID`);
      if (/(^|_)id$/.test(e.column) && !/external|provider|stripe|github|slack/.test(e.column) && (len === undefined || (len >= 32 && len <= 40))) {
        uuidKeys ??= keysAreUuid(ctx);
        if (uuidKeys) reasons.push('the schema’s keys are uuid');
      }
      for (const c of columnConstraints(e.def)) {
        if ((c.contype === 'CONSTR_DEFAULT' || c.contype === 'CONSTR_CHECK') && usesUuid(c.raw_expr)) reasons.push('its default or check produces a uuid');
      }
      if (e.via === 'alter-type' && e.def.raw_default && usesUuid(e.def.raw_default)) reasons.push('it is converted from a uuid');
      if (!reasons.length) continue;
      hits.push({
        statement: e.statement,
        ...(e.location !== undefined ? { location: e.location } : {}),
        message: `${e.table.name}.${e.column} is ${e.type.name === 'bpchar' ? 'char' : e.type.name}${len ? `(${len})` : ''} but holds UUIDs (${reasons.join('; ')})`,
        hint: e.via === 'create' ? `Declare ${e.column} UUID.` : `ALTER TABLE ${e.table.name} ALTER COLUMN ${e.column} TYPE uuid USING ${e.column}::uuid;`,
        objects: [e.table.name, `${e.table.name}.${e.column}`],
      });
    }
    return hits;
  },
});
