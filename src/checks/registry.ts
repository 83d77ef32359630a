// Rules are discovered, not listed: every <rule-id>.ts in ./rules/ (not *.cases.ts) whose default
// export is a Rule. Adding a rule is adding its file (and its cases beside it).
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import type { Rule, RuleCases } from './types.js';

export const RULES_DIR = fileURLToPath(new URL('./rules/', import.meta.url));

const RULE_FILE = /^([a-z0-9-]+)\.(ts|js|mjs)$/;
const CASES_FILE = /^([a-z0-9-]+)\.cases\.(ts|js|mjs)$/;

let loaded: Promise<Rule[]> | undefined;

async function importDefault<T>(file: string): Promise<T> {
  const mod = (await import(pathToFileURL(path.join(RULES_DIR, file)).href)) as { default?: T };
  if (!mod.default) throw new Error(`${file}: no default export`);
  return mod.default;
}

/** All rules, sorted by id. */
export function loadRules(): Promise<Rule[]> {
  loaded ??= (async () => {
    const files = (await readdir(RULES_DIR)).filter((f) => RULE_FILE.test(f) && !f.endsWith('.d.ts'));
    const rules = await Promise.all(
      files.map(async (f) => {
        const rule = await importDefault<Rule>(f);
        const id = RULE_FILE.exec(f)![1];
        if (rule.id !== id) throw new Error(`${f}: rule id '${rule.id}' does not match its file name`);
        return rule;
      }),
    );
    return rules.sort((a, b) => a.id.localeCompare(b.id));
  })();
  return loaded;
}

/** The cases file of every rule that has one (for the shared rule tester). */
export async function loadRuleCases(): Promise<Map<string, RuleCases>> {
  const out = new Map<string, RuleCases>();
  const files = (await readdir(RULES_DIR)).filter((f) => CASES_FILE.test(f));
  await Promise.all(
    files.map(async (f) => {
      out.set(CASES_FILE.exec(f)![1]!, await importDefault<RuleCases>(f));
    }),
  );
  return out;
}
