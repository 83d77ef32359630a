// `schemacrew experiment <file>`: runs every cell of an experiment's matrix (variant × model × seed)
// and writes runs/experiments/<id>/ (report.html, report.md, results.json, trials/).
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { loadExperiment } from '../../experiment/config.js';
import { parseFailIf, type FailIf } from '../../experiment/fail-if.js';
import { runExperiment } from '../../experiment/runner.js';
import { openServer } from '../../db/server.js';
import { takeOverSignals } from '../../db/graceful-stop.js';
import { DEFAULT_PROMPTS_DIR } from '../../agents/prompts.js';
import { SchemacrewError, ExitCode } from '../../errors.js';

function collectFailIf(value: string, previous: FailIf[] = []): FailIf[] {
  try {
    return [...previous, parseFailIf(value)];
  } catch (err) {
    // Exit code 2 naming the flag (commander's own errors are exit 2 too).
    throw new SchemacrewError(`--fail-if ${(err as Error).message}`, ExitCode.BadInput);
  }
}

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} takes a whole number ≥ 1, got "${value}"`);
    return n;
  };
}

interface ExperimentFlags {
  id?: string;
  out: string;
  cache: boolean;
  cacheDir?: string;
  baseline?: string;
  failIf?: FailIf[];
  keepDatabases?: boolean;
  fresh?: boolean;
  concurrency?: number;
  databaseUrl?: string;
  quiet?: boolean;
}

export function registerExperiment(program: Command): void {
  program
    .command('experiment')
    .description('Run an experiment: every variant × model × seed is a trial on its own cloned database; reports metrics per cell.')
    .argument('<file>', 'experiment file (YAML), e.g. experiments/demo.yaml')
    .option('--id <id>', 'experiment id (default: the file\'s id, else its name)')
    .option('--out <dir>', 'where <id>/ is written', path.join('runs', 'experiments'))
    .option('--no-cache', 'ask the providers again (refresh the response cache) instead of reusing stored answers')
    .option('--cache-dir <dir>', 'response cache folder (default: <out>/cache)')
    .option('--baseline <id>', 'compare with an earlier experiment\'s results.json (per cell, per metric)')
    .option('--fail-if <expr>', 'CI gate, repeatable: exit 1 when a cell\'s mean meets it, e.g. "calibration_error > 0.1"', collectFailIf)
    .option('--keep-databases', 'keep each trial\'s database (and the template) instead of dropping them')
    .option('--fresh', 'forget the finished trials of this experiment id and run them all again')
    .option('--concurrency <n>', 'trials at once (overrides the file)', positiveInt('--concurrency'))
    .option('--database-url <url>', 'use this Postgres instead of the embedded one (default: $DATABASE_URL)')
    .option('--quiet', 'only the totals and failures')
    .action(async (file: string, flags: ExperimentFlags) => {
      process.exitCode = await launchExperiment(file, flags);
    });
}

export async function launchExperiment(file: string, flags: ExperimentFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const spec = await loadExperiment(file, DEFAULT_PROMPTS_DIR());
  if (flags.id) {
    if (!/^[a-z0-9][a-z0-9_-]{0,47}$/.test(flags.id)) throw new SchemacrewError(`--id "${flags.id}": use lower-case letters, digits, dashes or underscores`, ExitCode.BadInput);
    spec.id = flags.id;
  }
  const log = (line: string) => {
    if (!flags.quiet) process.stderr.write(line + '\n');
  };
  const out = (line: string) => {
    if (!flags.quiet || /^(experiment |FAIL |results: )/.test(line)) process.stdout.write(line + '\n');
  };
  const databaseUrl = flags.databaseUrl ?? env.DATABASE_URL;
  const server = await openServer(databaseUrl ? { databaseUrl } : {});
  // First Ctrl-C: finish no new trial, stop the running ones at their next safe point, write the
  // results so far (resumable); a second one stops the database and exits.
  const stop = takeOverSignals((sig) => log(`\n${sig}: stopping; finished trials are kept, run the same command again to resume`));
  try {
    const outcome = await runExperiment({
      spec,
      server,
      outDir: path.resolve(flags.out),
      cache: flags.cache === false ? 'refresh' : 'use',
      ...(flags.cacheDir ? { cacheDir: path.resolve(flags.cacheDir) } : {}),
      ...(flags.baseline ? { baseline: flags.baseline } : {}),
      ...(flags.failIf ? { failIf: flags.failIf } : {}),
      ...(flags.keepDatabases ? { keepDatabases: true } : {}),
      ...(flags.fresh ? { fresh: true } : {}),
      ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
      signal: stop.signal,
      env,
      out,
      log,
    });
    return outcome.exitCode;
  } finally {
    stop.restore();
    await server.stop();
  }
}
