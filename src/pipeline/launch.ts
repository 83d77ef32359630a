// Wires a run together from CLI flags and the config file: scenario, database, providers, prompts,
// progress view; then runs it and prints the result. Everything that can be wrong with the input is
// found here, before the database is touched.
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import YAML from 'yaml';
import { z } from 'zod';
import { loadScenario, scenarioDir } from '../scenario/scenario.js';
import { openServer } from '../db/server.js';
import { takeOverSignals } from '../db/graceful-stop.js';
import { PromptLibrary } from '../agents/prompts.js';
import { loadMistakeCatalog } from '../plan/mistakes.js';
import { GatePolicySchema } from '../gate/policy.js';
import { runRoadmap, type RunObserver } from './run.js';
import { buildModels, ModelConfigSchema } from './models.js';
import { InputError, SchemacrewError, ExitCode } from '../errors.js';
import { createProgress, formatEntryLine, formatSummary } from '../report/progress.js';
import { packageVersion, repoRoot } from '../paths.js';

export const RunConfigSchema = z
  .object({
    persona: ModelConfigSchema.optional(),
    reviewer: ModelConfigSchema.optional(),
    /** Stop the run cleanly (resumable, exit 3) once it has cost this much. */
    maxCostUsd: z.number().positive().optional(),
    gate: GatePolicySchema.partial().optional(),
    checks: z
      .object({
        severity: z.record(z.string(), z.enum(['blocking', 'advisory', 'off'])).optional(),
        wideTableColumns: z.number().int().positive().optional(),
        extensionAllowList: z.array(z.string()).optional(),
      })
      .optional(),
    run: z
      .object({
        failThreshold: z.number().min(0).max(1).optional(),
        seed: z.number().int().optional(),
      })
      .optional(),
  })
  .strict();
export type RunConfig = z.infer<typeof RunConfigSchema>;

export async function loadRunConfig(file: string | undefined): Promise<RunConfig> {
  if (!file) return {};
  const text = await readFile(file, 'utf8').catch(() => {
    throw new InputError(file, 'cannot read the config file');
  });
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new InputError(file, e.message.split('\n')[0]!, e.linePos?.[0]?.line);
  }
  const parsed = RunConfigSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const node = doc.getIn(issue.path as (string | number)[], true) as { range?: [number, number] } | undefined;
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    throw new InputError(file, `${issue.path.join('.') || '(top level)'}: ${issue.message}`, line);
  }
  return parsed.data;
}

export interface RunFlags {
  scenario: string;
  config?: string;
  databaseUrl?: string;
  dataDir?: string;
  continue?: boolean;
  entries?: number;
  from?: number;
  to?: number;
  persona?: string[];
  dryRun?: boolean;
  seed?: number;
  scale?: number;
  provider?: string;
  model?: string;
  reviewerProvider?: string;
  reviewerModel?: string;
  record?: string;
  replay?: string;
  maxCost?: number;
  maxRevisions?: number;
  runsDir: string;
  runId?: string;
  prompts: string;
  quiet?: boolean;
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export async function launchRun(flags: RunFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // 1. Everything from files and flags, validated before anything runs.
  const config = await loadRunConfig(flags.config);
  const scenario = await loadScenario(scenarioDir(flags.scenario));
  if (flags.persona) {
    for (const id of flags.persona) {
      if (!scenario.cast.has(id)) {
        throw new SchemacrewError(`--persona: "${id}" is not in the cast (${[...scenario.cast.keys()].join(', ')})`, ExitCode.BadInput);
      }
    }
  }
  if (flags.from !== undefined && flags.to !== undefined && flags.from > flags.to) {
    throw new SchemacrewError(`--from ${flags.from} is after --to ${flags.to}`, ExitCode.BadInput);
  }
  if (flags.record && flags.replay) throw new SchemacrewError('--record and --replay exclude each other', ExitCode.BadInput);
  const promptsDir = path.resolve(flags.prompts);
  const prompts = await PromptLibrary.load(promptsDir);
  const mistakes = await loadMistakeCatalog(promptsDir);
  const gate = GatePolicySchema.parse({ ...config.gate, ...(flags.maxRevisions !== undefined ? { maxRevisions: flags.maxRevisions } : {}) });
  const seed = flags.seed ?? config.run?.seed ?? 42;
  const models = await buildModels({ config, flags: { ...flags, seed }, env, scenario });

  // 2. The database.
  const databaseUrl = flags.databaseUrl ?? env.DATABASE_URL;
  if (flags.continue && !databaseUrl && !flags.dataDir) {
    throw new SchemacrewError('--continue needs a persistent database: set DATABASE_URL (or --database-url), or --data-dir', ExitCode.BadInput);
  }
  const out = process.stdout;
  const log = (line: string) => {
    if (!flags.quiet) process.stderr.write(line + '\n');
  };
  const server = await openServer({ ...(databaseUrl ? { databaseUrl } : {}), ...(flags.dataDir ? { dataDir: flags.dataDir } : {}) });
  const database = databaseUrl ? decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || 'postgres' : scenario.id;

  // First Ctrl-C / SIGTERM: stop at the next safe point (the entry in flight is abandoned, never
  // half-applied) and write the reports; a second one stops the database and exits at once.
  const stop = takeOverSignals((sig) => log(`\n${sig}: stopping after the current step; the entry in flight is not applied; resume with --continue`));
  let progress: ReturnType<typeof createProgress> | undefined;
  try {
    const observer: RunObserver = {
      log,
      onStart: ({ total, alreadyDone, database: where }) => {
        log(`schemacrew: ${scenario.name} on ${where}: ${total} entries to run${alreadyDone ? `, ${alreadyDone} already in the ledger` : ''}; personas: ${models.describe.persona}, reviewer: ${models.describe.reviewer}`);
        // A live bar only on a terminal; piped or in CI the entry lines alone go to stdout.
        if (!flags.quiet && process.stderr.isTTY) progress = createProgress({ total, stream: process.stderr });
      },
      onPhase: (p) =>
        progress?.update({ index: p.position - 1, entryId: p.entry.id, persona: p.persona.name, phase: p.phase, tokens: p.tokens, costUsd: p.costUsd }),
      onEntry: (record) => {
        const line = formatEntryLine(record);
        if (progress) progress.line(line);
        else if (!flags.quiet) out.write(line + '\n');
      },
    };
    const outcome = await runRoadmap({
      scenario,
      server,
      database,
      mode: flags.continue ? 'continue' : 'fresh',
      ...(flags.scale !== undefined ? { scale: flags.scale } : {}),
      seed,
      runId: flags.runId ?? newRunId(),
      runsDir: path.resolve(flags.runsDir),
      writer: models.writer,
      reviewer: models.reviewer,
      prompts,
      mistakes,
      gate,
      ...(config.checks ? { checkConfig: config.checks } : {}),
      filter: {
        ...(flags.from !== undefined ? { fromDay: flags.from } : {}),
        ...(flags.to !== undefined ? { toDay: flags.to } : {}),
        ...(flags.persona ? { personas: flags.persona } : {}),
        ...(flags.entries !== undefined ? { limit: flags.entries } : {}),
      },
      dryRun: Boolean(flags.dryRun),
      ...((flags.maxCost ?? config.maxCostUsd) !== undefined ? { maxCostUsd: (flags.maxCost ?? config.maxCostUsd)! } : {}),
      ...(config.run?.failThreshold !== undefined ? { failThreshold: config.run.failThreshold } : {}),
      signal: stop.signal,
      packageVersion: packageVersion(),
      observer,
    });
    progress?.stop();
    progress = undefined;
    out.write(formatSummary(outcome.record) + '\n');
    out.write(`run directory: ${path.relative(process.cwd(), outcome.dir) || outcome.dir}\n`);
    return outcome.exitCode;
  } finally {
    progress?.stop();
    stop.restore();
    await models.close();
    await server.stop();
  }
}

export { repoRoot };
