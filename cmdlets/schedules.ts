// Pode's schedule cmdlets: Add-PodeSchedule and Remove-PodeSchedule, over the host's Schedules engine
// (host/timers/schedules.ts: croner parses the expressions; the engine does the waiting and Limit/EndTime).
import { defineGroup } from '../host/cmdlet/define.ts';
import { scriptBlockFromFile } from '../host/runtime/scriptfile.ts';
import { currentServer } from '../host/runtime/server.ts';
import { buildCron, CRON_DAYS, CRON_EVERY, CRON_MONTHS } from '../host/timers/newcron.ts';

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

// ---- New-PodeCron (issue 14) ------------------------------------------------------------------------------------
export const NewPodeCron = cmdlet({
  name: 'New-PodeCron',
  synopsis: 'A helper function to generate cron expressions.',
  description:
    'A helper function to generate cron expressions, which can be used for Schedules and other functions that use cron expressions.\n' +
    'This helper function only covers simple cron use-cases, with some advanced use-cases. If you need further advanced cron ' +
    'expressions it would be best to write the expression by hand. It returns the five-field expression (minute hour date month day), ' +
    'which Add-PodeSchedule -Cron takes.',
  examples: [
    { code: 'New-PodeCron -Every Day', text: 'every 00:00' },
    { code: 'New-PodeCron -Every Day -Day Tuesday, Friday -Hour 1', text: 'every tuesday and friday at 01:00' },
    { code: 'New-PodeCron -Every Month -Date 15', text: 'every 15th of the month at 00:00' },
    { code: 'New-PodeCron -Every Date -Interval 2 -Date 2', text: 'every month, every other day from 2nd, at 00:00' },
    { code: 'New-PodeCron -Every Year -Month June', text: 'every 1st june, at 00:00' },
    { code: 'New-PodeCron -Every Hour -Hour 1 -Interval 1', text: 'every hour, starting at 01:00' },
    { code: 'New-PodeCron -Every Minute -Hour 1, 2, 3, 4, 5 -Interval 15', text: 'every 15mins, starting at 01:00 until 05:00' },
    { code: 'New-PodeCron -Every Hour -Day Monday', text: 'every hour of every monday' },
    { code: 'New-PodeCron -Every Quarter', text: 'every 1st jan, apr, jul, oct, at 00:00' },
  ],
  parameters: [
    { name: 'Minute', type: 'Int32[]', validateRange: [0, 59], help: 'This is an array of Minutes that the expression should use between 0-59.' },
    { name: 'Hour', type: 'Int32[]', validateRange: [0, 23], help: 'This is an array of Hours that the expression should use between 0-23.' },
    { name: 'Date', type: 'Int32[]', validateRange: [1, 31], help: 'This is an array of Dates in the month that the expression should use between 1-31.' },
    { name: 'Month', type: 'String[]', validateSet: [...CRON_MONTHS], help: 'This is an array of Months that the expression should use between January-December.' },
    { name: 'Day', type: 'String[]', validateSet: [...CRON_DAYS], help: 'This is an array of Days in the week that the expression should use between Monday-Sunday.' },
    { name: 'Every', type: 'String', validateSet: [...CRON_EVERY], default: 'None', help: 'This can be used to more easily specify "Every Hour" than writing out all the hours.' },
    {
      name: 'Interval',
      type: 'Int32',
      default: 0,
      help: 'This can only be used when using the Every parameter, and will setup an interval on the "every" used. If you want "every 2 hours" then Every should be set to Hour and Interval to 2.',
    },
  ],
  run: (args, ctx) =>
    buildCron(
      { Minute: args.Minute, Hour: args.Hour, Date: args.Date, Month: args.Month, Day: args.Day, Every: args.Every, Interval: args.Interval },
      ctx.command,
    ),
});
// ---- end New-PodeCron
