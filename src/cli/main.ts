// The CLI only parses flags and calls the stages; every subcommand lives in ./commands/.
import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { SchemacrewError, ExitCode } from '../errors.js';
import { commands } from './commands/index.js';

const program = new Command()
  .name('schemacrew')
  .description('A simulated engineering team of LLM personas evolving a real Postgres schema.')
  .version(process.env.npm_package_version ?? '0.1.0')
  .exitOverride()
  .showHelpAfterError();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version arrive here too, with exit code 0.
    process.exitCode = err.exitCode === 0 ? 0 : ExitCode.BadInput;
  } else if (err instanceof SchemacrewError) {
    process.stderr.write(pc.red(`schemacrew: ${err.message}`) + '\n');
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(pc.red(`schemacrew: unexpected error: ${(err as Error)?.stack ?? String(err)}`) + '\n');
    process.exitCode = ExitCode.Failed;
  }
}
