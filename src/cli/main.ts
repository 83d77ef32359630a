// The CLI only parses flags and calls the stages; every subcommand lives in ./commands/.
import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { SchemacrewError, ExitCode } from '../errors.js';
import { commands } from './commands/index.js';
import { packageVersion } from '../paths.js';

const program = new Command()
  .name('schemacrew')
  .description('A simulated engineering team of LLM personas evolving a real Postgres schema.')
  .version(packageVersion())
  .exitOverride()
  .showHelpAfterError();

for (const register of commands) register(program);

let exitCode: number = ExitCode.Ok;
try {
  await program.parseAsync(process.argv);
  exitCode = Number(process.exitCode ?? ExitCode.Ok);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version arrive here too, with exit code 0.
    exitCode = err.exitCode === 0 ? 0 : ExitCode.BadInput;
  } else if (err instanceof SchemacrewError) {
    process.stderr.write(pc.red(`schemacrew: ${err.message}`) + '\n');
    exitCode = err.exitCode;
  } else {
    process.stderr.write(pc.red(`schemacrew: unexpected error: ${(err as Error)?.stack ?? String(err)}`) + '\n');
    exitCode = ExitCode.Failed;
  }
}
// Exit explicitly with the command's code once its output is flushed: nothing left idle (a
// connection pool, an exit hook) gets to keep the process alive or to decide its exit code.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(exitCode);
