// CI gates on experiment results: "<metric> <op> <value>", ops < <= > >= == !=. A cell fails a gate
// when the condition holds for the cell's mean of that metric (e.g. `leak_rate > 0`).

export type Op = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface FailIf {
  /** The expression as written. */
  expr: string;
  metric: string;
  op: Op;
  value: number;
}

const EXPR = /^\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)?)\s*(<=|>=|==|!=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?)\s*$/;

/** Parses one expression; throws an Error saying what is wrong (callers add the flag or file). */
export function parseFailIf(expr: string): FailIf {
  const m = EXPR.exec(expr);
  if (!m) {
    if (expr.replace(/[<>!=]=/g, '').includes('=')) throw new Error(`"${expr}": use == for equality (ops: < <= > >= == !=)`);
    throw new Error(`"${expr}": expected "<metric> <op> <number>" with op one of < <= > >= == != (e.g. "calibration_error > 0.1")`);
  }
  const raw = m[3]!;
  const value = raw.endsWith('%') ? Number(raw.slice(0, -1)) / 100 : Number(raw);
  if (!Number.isFinite(value)) throw new Error(`"${expr}": ${raw} is not a number`);
  return { expr: expr.trim(), metric: m[1]!, op: m[2] as Op, value };
}

export function holds(actual: number, op: Op, value: number): boolean {
  const eps = 1e-12;
  switch (op) {
    case '<':
      return actual < value - eps;
    case '<=':
      return actual <= value + eps;
    case '>':
      return actual > value + eps;
    case '>=':
      return actual >= value - eps;
    case '==':
      return Math.abs(actual - value) <= eps;
    case '!=':
      return Math.abs(actual - value) > eps;
  }
}

export interface GateResult {
  expr: string;
  cell: string;
  metric: string;
  /** The cell's mean, or null when the metric is undefined for the cell (not evaluated). */
  value: number | null;
  failed: boolean;
}

/** Evaluates every gate on every cell (by the cell's mean). */
export function evaluateGates(gates: FailIf[], cells: { id: string; metrics: Record<string, { mean: number | null } | undefined> }[]): GateResult[] {
  const out: GateResult[] = [];
  for (const g of gates) {
    for (const c of cells) {
      const v = c.metrics[g.metric]?.mean ?? null;
      out.push({ expr: g.expr, cell: c.id, metric: g.metric, value: v, failed: v !== null && holds(v, g.op, g.value) });
    }
  }
  return out;
}
