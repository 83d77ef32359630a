// transaction-control: BEGIN / COMMIT / ROLLBACK / SAVEPOINT ... inside a migration. The
// orchestrator wraps each migration in its own transaction; a COMMIT in the middle would make the
// first half permanent even if the second half fails. Static; such statements are never executed
// by the checks.
import { defineRule, type RuleHit } from '../types.js';

export default defineRule({
  id: 'transaction-control',
  severity: 'blocking',
  category: 'gate',
  needs: 'static',
  blocksExecution: true,
  doc: {
    summary: 'Transaction control inside a migration: BEGIN, START TRANSACTION, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, PREPARE TRANSACTION, SET TRANSACTION, or COMMIT/ROLLBACK in a DO block or procedure.',
    why: 'The orchestrator owns transactions: it applies the migration atomically and rolls it back on failure. A COMMIT or ROLLBACK inside breaks that guarantee.',
    fix: 'Delete the transaction statements; write only the schema change. Statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY) are handled by the apply stage.',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const st of ctx.statements) {
      if (st.type === 'TransactionStmt') {
        hits.push({
          statement: st.index,
          message: `${st.kind} inside a migration; the orchestrator owns the transaction (not executed)`,
          hint: 'Remove it: the migration is applied in one transaction by the orchestrator.',
        });
      } else if (st.type === 'VariableSetStmt' && /^(transaction|session characteristics)$/i.test(String(st.node.name))) {
        hits.push({
          statement: st.index,
          message: `SET ${String(st.node.name).toUpperCase()} inside a migration changes the orchestrator's transaction (not executed)`,
          hint: 'Remove it: isolation and access mode are the orchestrator’s choice.',
        });
      } else {
        for (const e of ctx.embedded(st)) {
          if (e.transactionControl?.length) {
            hits.push({
              statement: st.index,
              message: `${st.kind} body runs ${[...new Set(e.transactionControl)].join(' and ')}; a migration must not end the orchestrator's transaction (not executed)`,
              hint: 'Remove COMMIT/ROLLBACK from the body; let the orchestrator commit.',
            });
          }
        }
      }
    }
    return hits;
  },
});
