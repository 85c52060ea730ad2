// Pode's schedule cmdlets: Add-PodeSchedule and Remove-PodeSchedule, over the host's Schedules engine
// (host/timers/schedules.ts: croner parses the expressions; the engine does the waiting and Limit/EndTime).
import { defineGroup } from '../host/cmdlet/define.ts';
import { scriptBlockFromFile } from '../host/runtime/scriptfile.ts';
import { currentServer } from '../host/runtime/server.ts';

const cmdlet = defineGroup('Schedules');

// Pode stops a run's runspace when it times out; a JavaScript function cannot be stopped from outside.
const WHY_TIMEOUT = 'a running JavaScript function cannot be stopped from outside, so a run cannot time out';

export const AddPodeSchedule = cmdlet({
  name: 'Add-PodeSchedule',
  synopsis: 'Adds a new Schedule with logic to periodically invoke, defined using Cron Expressions.',
  description:
    'Adds a new Schedule with logic to periodically invoke, defined using Cron Expressions.\n' +
    "Expressions have 5 fields (minute hour day-of-month month day-of-week) or 6 with a leading seconds field, in the server's local time; " +
    "Pode's predefined ones (@minutely, @hourly, @daily, @weekly, @monthly, @quarterly, @yearly, @twice-hourly, …) work too. " +
    'When both day-of-month and day-of-week are restricted, both must match, as in Pode. ' +
    'A run that throws is logged with its stack and the schedule keeps its times. The script sees the run as `$ScheduleEvent`.',
  examples: [
    { code: "Add-PodeSchedule -Name 'RunEveryMinute' -Cron '@minutely' -ScriptBlock { /* logic */ }" },
    { code: "Add-PodeSchedule -Name 'RunEveryTuesday' -Cron '0 0 * * TUE' -ScriptBlock { /* logic */ }" },
    { code: "Add-PodeSchedule -Name 'StartAfter2days' -Cron '@hourly' -StartTime [DateTime]::Now.AddDays(2) -ScriptBlock { /* logic */ }" },
    {
      code: "Add-PodeSchedule -Name 'Args' -Cron '@minutely' -ScriptBlock { /* logic */ } -ArgumentList @{ Arg1 = 'value' }",
      text: 'The hashtable is splatted: in TypeScript the script receives it as its argument, `({ Arg1 }) => { … }`.',
    },
  ],
  defaultParameterSet: 'Script',
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The Name of the Schedule.' },
    { name: 'Cron', type: 'String[]', mandatory: true, help: 'One, or an Array, of Cron Expressions to define when the Schedule should trigger.' },
    { name: 'ScriptBlock', type: 'ScriptBlock', mandatory: true, sets: ['Script'], help: "The script defining the Schedule's logic." },
    { name: 'Limit', type: 'Int32', default: 0, help: 'The number of times the Schedule should trigger before being removed. (If 0, it will run indefinitely)' },
    { name: 'StartTime', type: 'DateTime', help: 'A DateTime for when the Schedule should start triggering.' },
    { name: 'EndTime', type: 'DateTime', help: 'A DateTime for when the Schedule should stop triggering, and be removed.' },
    {
      name: 'FilePath',
      type: 'String',
      mandatory: true,
      sets: ['File'],
      help: "A literal, or relative, path to a file containing a ScriptBlock for the Schedule's logic: a module whose default export is the function.",
    },
    { name: 'ArgumentList', type: 'Hashtable', help: "A hashtable of arguments to supply to the Schedule's ScriptBlock." },
    { name: 'Timeout', type: 'Int32', default: -1, unsupported: WHY_TIMEOUT, help: "An optional timeout, in seconds, for the Schedule's logic. (Default: -1 [never timeout])" },
    { name: 'TimeoutFrom', type: 'String', validateSet: ['Create', 'Start'], default: 'Create', unsupported: WHY_TIMEOUT, help: "An optional timeout from either 'Create' or 'Start'. (Default: 'Create')" },
    {
      name: 'OnStart',
      type: 'SwitchParameter',
      help: 'If supplied, the schedule will trigger when the server starts, regardless if the cron-expression matches the current time.',
    },
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    const script = args.ScriptBlock ?? scriptBlockFromFile(server, args.FilePath!, ctx.command);
    const schedule = server.schedules.add({
      Name: args.Name,
      Cron: args.Cron,
      ScriptBlock: script,
      Limit: args.Limit,
      StartTime: args.StartTime,
      EndTime: args.EndTime,
      // Pode splats the hashtable into the script's named parameters: one object argument here.
      ArgumentList: [args.ArgumentList ?? {}],
      OnStart: args.OnStart,
    });
    ctx.verbose(`Schedule '${schedule.Name}' added: ${schedule.Cron.join(', ')}`);
  },
});

export const RemovePodeSchedule = cmdlet({
  name: 'Remove-PodeSchedule',
  synopsis: 'Removes a specific Schedule.',
  description: 'Removes a specific Schedule. A run already in progress finishes; a name that is not defined is ignored, as in Pode.',
  examples: [{ code: "Remove-PodeSchedule -Name 'RenewToken'" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, pipeline: true, help: 'The Name of the Schedule to be removed.' }],
  run: (args, ctx) => {
    if (currentServer(ctx.command).schedules.remove(args.Name)) ctx.verbose(`Schedule '${args.Name}' removed`);
  },
});
