// `schemacrew run`: flags in, a call to the pipeline's launcher, exit code out.
import { Command, Option, InvalidArgumentError } from 'commander';
import { launchRun } from '../../pipeline/launch.js';

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} takes a whole number, got "${value}"`);
    return n;
  };
}

function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${flag} takes a number, got "${value}"`);
    return n;
  };
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run the roadmap: personas write, checks and reviewer gate, accepted changes are applied to Postgres.')
    .option('--scenario <name|dir>', 'scenario name under roadmap/ or a folder', 'taskpilot')
    .option('--config <file>', 'schemacrew config (YAML): providers, models, gate policy, checks')
    .option('--database-url <url>', 'use this Postgres instead of the embedded one (default: $DATABASE_URL)')
    .option('--data-dir <dir>', 'keep the embedded cluster in this folder (so --continue works without DATABASE_URL)')
    .option('--continue', 'carry on from where the ledger of the database ends (nightly mode)')
    .option('--entries <n>', 'do at most this many entries, then stop', positiveInt('--entries'))
    .option('--from <day>', 'first roadmap day to run', positiveInt('--from'))
    .option('--to <day>', 'last roadmap day to run', positiveInt('--to'))
    .option('--persona <ids...>', 'only entries of these personas')
    .option('--dry-run', 'plan, write, check and review, never apply')
    .option('--seed <n>', 'seed of the mistake planner and of models that take one (default 42)', positiveInt('--seed'))
    .option('--scale <n>', 'seed data scale factor (1 = thousands of rows)', positiveInt('--scale'))
    .addOption(new Option('--provider <name>', 'provider for the personas').choices(['scripted', 'openai', 'anthropic', 'langchain']))
    .option('--model <id>', 'model for the personas')
    .addOption(new Option('--reviewer-provider <name>', 'provider for the reviewer').choices(['scripted', 'openai', 'anthropic', 'langchain']))
    .option('--reviewer-model <id>', 'model for the reviewer')
    .option('--record <cassette>', 'record the LLM HTTP traffic into fixtures/cassettes/<cassette>/')
    .option('--replay <cassette>', 'replay recorded LLM traffic from fixtures/cassettes/<cassette>/ (network locked)')
    .option('--max-cost <usd>', 'stop cleanly (resumable) once the run has cost this much', positiveNumber('--max-cost'))
    .option('--max-revisions <n>', 'revision rounds before a change is rejected', positiveInt('--max-revisions'))
    .option('--runs-dir <dir>', 'where runs/<run-id>/ is written', 'runs')
    .option('--run-id <id>', 'name of this run (default: a timestamp)')
    .option('--prompts <dir>', 'prompt templates folder', 'prompts')
    .option('--quiet', 'only the final summary')
    .action(async (flags) => {
      process.exitCode = await launchRun(flags);
    });
}
