// `podets bind '<command line>'`: runs the binder alone and prints what it bound, or the binding error.
import chalk from 'chalk';
import type { Command } from 'commander';
import '../../../cmdlets/index.ts';
import { describeBinding } from '../../binder/describe.ts';
import { isPodeError } from '../../errors/error.ts';
import { bindCommandLine } from '../../cmdlet/template.ts';
import { describePodeError } from '../../runtime/load.ts';

export function addBindCommand(program: Command): void {
  program
    .command('bind')
    .description('bind a PowerShell command line and print the parameter set and bound parameters as JSON')
    .argument('<commandLine>', 'e.g. "ConvertTo-PodeSseConnection -Name Actions -Scope Local"')
    .action((line: string) => {
      try {
        process.stdout.write(JSON.stringify(describeBinding(bindCommandLine(line)), null, 2) + '\n');
      } catch (err) {
        if (!isPodeError(err)) throw err;
        process.stderr.write(chalk.red(describePodeError(err)) + `\nFullyQualifiedErrorId: ${err.ErrorId}\n`);
        process.exitCode = 1;
      }
    });
}
