// The podets command line: one commander program, one file per sub-command under commands/.
import { Command, CommanderError } from 'commander';
import { addBindCommand } from './commands/bind.ts';
import { addHelpCommand } from './commands/help.ts';
import { addServeCommand } from './commands/serve.ts';
import { version } from './version.ts';

export function buildProgram(): Command {
  const program = new Command('podets')
    .description("Pode's server-sent events for TypeScript: Pode-style scripts served on node:http")
    .version(version(), '-V, --version')
    .exitOverride()
    .addHelpCommand(false);
  addServeCommand(program);
  addHelpCommand(program);
  addBindCommand(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version are not failures; a bad command line is exit 2, like other Unix tools.
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    throw err;
  }
}
