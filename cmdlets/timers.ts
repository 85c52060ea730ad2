// Pode's timer cmdlets: Add-PodeTimer and Remove-PodeTimer, over the host's Timers engine
// (host/timers/timers.ts), which owns the scheduling, Limit/Skip/OnStart and failure handling.
import { defineGroup } from '../host/cmdlet/define.ts';
import { scriptBlockFromFile } from '../host/runtime/scriptfile.ts';
import { currentServer } from '../host/runtime/server.ts';

const cmdlet = defineGroup('Timers');

export const AddPodeTimer = cmdlet({
  name: 'Add-PodeTimer',
  synopsis: 'Adds a new Timer with logic to periodically invoke.',
  description:
    'Adds a new Timer with logic to periodically invoke, with options to only run a specific number of times.\n' +
    'Timers start with the server. A run that throws is logged with its stack and the timer keeps its interval; ' +
    'a run still going (an async script) when the next is due makes that one be skipped, never overlapped. ' +
    'The script sees the run as `$TimerEvent` (Name, Sender, Timestamp, Count, Metadata). ' +
    'On shutdown no new runs start and runs in progress are awaited.',
  examples: [
    { code: "Add-PodeTimer -Name 'Hello' -Interval 10 -ScriptBlock { 'Hello, world!' | Out-Default }" },
    { code: "Add-PodeTimer -Name 'RunOnce' -Interval 1 -Limit 1 -ScriptBlock { /* logic */ }" },
    { code: "Add-PodeTimer -Name 'RunAfter60secs' -Interval 10 -Skip 6 -ScriptBlock { /* logic */ }" },
    { code: "Add-PodeTimer -Name 'Args' -Interval 2 -ScriptBlock { /* logic */ } -ArgumentList 'arg1', 'arg2'" },
    { code: "Add-PodeTimer -Name 'FromFile' -Interval 30 -FilePath './timers/cleanup.ts'", text: 'The file default-exports the function to run.' },
  ],
  defaultParameterSet: 'Script',
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The Name of the Timer.' },
    { name: 'Interval', type: 'Int32', mandatory: true, help: "The number of seconds to periodically invoke the Timer's ScriptBlock." },
    { name: 'ScriptBlock', type: 'ScriptBlock', mandatory: true, sets: ['Script'], help: 'The script for the Timer.' },
    {
      name: 'Limit',
      type: 'Int32',
      default: 0,
      help: 'The number of times the Timer should be invoked before being removed. (If 0, it will run indefinitely)',
    },
    {
      name: 'Skip',
      type: 'Int32',
      default: 0,
      help: 'The number of "invokes" to skip before the Timer actually runs: the first run comes after Skip + 1 intervals.',
    },
    {
      name: 'FilePath',
      type: 'String',
      mandatory: true,
      sets: ['File'],
      help: "A literal, or relative, path to a file containing a ScriptBlock for the Timer's logic: a module whose default export is the function.",
    },
    { name: 'ArgumentList', type: 'Object[]', help: "An array of arguments to supply to the Timer's ScriptBlock." },
    { name: 'OnStart', type: 'SwitchParameter', help: 'If supplied, the timer will trigger when the server starts.' },
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    const script = args.ScriptBlock ?? scriptBlockFromFile(server, args.FilePath!, ctx.command);
    const timer = server.timers.add({
      Name: args.Name,
      Interval: args.Interval,
      ScriptBlock: script,
      Limit: args.Limit,
      Skip: args.Skip,
      ArgumentList: args.ArgumentList ?? [],
      OnStart: args.OnStart,
    });
    ctx.verbose(`Timer '${timer.Name}' added: every ${timer.Interval}s${timer.Limit > 0 ? `, ${timer.Limit} time(s)` : ''}`);
  },
});

export const RemovePodeTimer = cmdlet({
  name: 'Remove-PodeTimer',
  synopsis: 'Removes a specific Timer.',
  description: 'Removes a specific Timer. A run already in progress finishes; a name that is not defined is ignored, as in Pode.',
  examples: [{ code: "Remove-PodeTimer -Name 'SaveState'" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, position: 0, pipeline: true, help: 'The Name of Timer to be removed.' }],
  run: (args, ctx) => {
    if (currentServer(ctx.command).timers.remove(args.Name)) ctx.verbose(`Timer '${args.Name}' removed`);
  },
});
