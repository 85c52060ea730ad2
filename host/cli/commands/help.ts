// `podets help [name]`: the cmdlet list, or one cmdlet's Get-Help page.
import chalk from 'chalk';
import type { Command } from 'commander';
import '../../../cmdlets/index.ts';
import { renderHelp, renderHelpList } from '../../help/render.ts';
import { allCmdlets, closestCmdlets, findCmdlet } from '../../cmdlet/registry.ts';

export function addHelpCommand(program: Command): void {
  program
    .command('help')
    .description("list every cmdlet, or show one cmdlet's help (Verb-PodeNoun or VerbPodeNoun, any case), or a podets command's (serve, bind)")
    .argument('[name]', 'cmdlet or command name')
    .action((name?: string) => {
      if (!name) {
        process.stdout.write(renderHelpList(allCmdlets()) + '\n');
        return;
      }
      // `podets help serve` is `podets serve --help` (a podets command, not a cmdlet).
      const command = program.commands.find((c) => c.name() === name.toLowerCase());
      if (command) {
        process.stdout.write(command.helpInformation());
        return;
      }
      const entry = findCmdlet(name);
      if (!entry) {
        process.stderr.write(
          chalk.red(`podets: no cmdlet named '${name}'.`) + ` Closest: ${closestCmdlets(name).join(', ')}\n`,
        );
        process.exitCode = 1;
        return;
      }
      process.stdout.write(renderHelp(entry) + '\n');
    });
}
