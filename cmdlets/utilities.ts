// Pode's small utilities: Start-PodeSleep and Write-PodeHost (Pode's Utilities.ps1, group "Utilities"),
// and Get-PodeServerDefaultSecret (Pode's Core.ps1, so group "Core").
import { defineGroup } from '../host/cmdlet/define.ts';
import { convertNested } from '../host/cmdlet/nesting.ts';
import { writeHost } from '../host/runtime/hostwrite.ts';
import { currentServer } from '../host/runtime/server.ts';
import { sleep, systemClock } from '../host/timers/clock.ts';

const cmdlet = defineGroup('Utilities');
const core = defineGroup('Core');

export const GetPodeServerDefaultSecret = core({
  name: 'Get-PodeServerDefaultSecret',
  synopsis: 'A default server secret that can be for signing values like Session, Cookies, or SSE IDs.',
  description:
    'A default server secret that can be for signing values like Session, Cookies, or SSE IDs. This secret is regenerated on every server start and restart.',
  examples: [{ code: '$secret = Get-PodeServerDefaultSecret' }],
  parameters: [],
  outputs: 'System.String',
  run: (_args, ctx) => currentServer(ctx.command).defaultSecret,
});

export const StartPodeSleep = cmdlet({
  name: 'Start-PodeSleep',
  synopsis: 'A function to pause execution for a specified duration.',
  description:
    'Pauses the calling script for a given duration specified in seconds or milliseconds. This function should be used in Pode as replacement for Start-Sleep.\n' +
    'It returns a promise: `await StartPodeSleep(2)` pauses the caller only, while the server goes on serving other requests. $WebEvent stays the calling request\'s across the wait.',
  examples: [
    { code: 'Start-PodeSleep -Seconds 5', text: 'Pauses execution for 5 seconds.' },
    { code: 'Start-PodeSleep -Milliseconds 250' },
  ],
  parameters: [
    {
      name: 'Seconds',
      type: 'Int32',
      position: 0,
      default: 1,
      validateRange: [0, 2147483647],
      sets: ['Seconds'],
      help: 'Specifies the duration to pause execution in seconds. Default is 1 second.',
    },
    {
      name: 'Milliseconds',
      type: 'Int32',
      position: 0,
      validateRange: [0, 2147483647],
      sets: ['Milliseconds'],
      help: 'Specifies the duration to pause execution in milliseconds.',
    },
    {
      name: 'Duration',
      type: 'TimeSpan',
      position: 0,
      sets: ['Duration'],
      unsupported: 'JavaScript has no TimeSpan; give -Seconds or -Milliseconds',
      help: 'Specifies the duration to pause execution using a TimeSpan object.',
    },
  ],
  outputs: 'System.Threading.Tasks.Task',
  run: (args, ctx) => sleep(systemClock, ctx.parameterSetName === 'Milliseconds' ? (args.Milliseconds ?? 0) : args.Seconds * 1000).done,
});

export const WritePodeHost = cmdlet({
  name: 'Write-PodeHost',
  synopsis: 'Writes an object to the Host.',
  description:
    "Writes an object to the Host (the terminal's standard output). It's advised to use this function, so that any output respects the --quiet flag of the server.\n" +
    'Arrays are written space-separated and hashtables as JSON; several values piped in are written together.',
  examples: [
    { code: "'Some output' | Write-PodeHost -ForegroundColor Cyan" },
    { code: "Write-PodeHost 'Waiting... ' -NoNewLine" },
    { code: "Write-PodeHost $WebEvent.Data -Explode -ShowType -Label 'Body'" },
  ],
  defaultParameterSet: 'inbuilt',
  parameters: [
    { name: 'Object', type: 'Object', position: 0, pipeline: true, aliases: ['Message'], help: 'The object to write.' },
    { name: 'ForegroundColor', type: 'ConsoleColor', help: 'An optional foreground colour. No colour when NO_COLOR is set or output is not a terminal.' },
    { name: 'NoNewLine', type: 'SwitchParameter', help: 'Whether or not to write a new line.' },
    { name: 'Explode', type: 'SwitchParameter', mandatory: true, sets: ['object'], help: 'Show the object content, over several lines if need be.' },
    { name: 'ShowType', type: 'SwitchParameter', sets: ['object'], help: 'Show the Object Type (with Explode).' },
    { name: 'Label', type: 'String', sets: ['object'], help: 'Show a label for the object (with Explode).' },
    { name: 'Force', type: 'SwitchParameter', help: 'Overrides the --quiet flag of the server: the object is written even then.' },
  ],
  run: (args, ctx) => {
    const options = {
      foregroundColor: args.ForegroundColor,
      noNewLine: args.NoNewLine,
      explode: args.Explode,
      showType: args.ShowType,
      force: args.Force,
      ...(args.Label !== undefined && { label: args.Label }),
    };
    convertNested(ctx, 'Object', 'text', () => writeHost(args.Object, options));
  },
});
