// Pode's task cmdlets (src/Public/Tasks.ps1): Add-PodeTask and its kin over the server's Tasks engine
// (host/tasks/tasks.ts), which owns the processes, the FIFO concurrency queue, timeouts and shutdown.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineGroup } from '../host/cmdlet/define.ts';
import { errors } from '../host/errors/catalog.ts';
import { runAmbient } from '../host/runtime/ambient.ts';
import { scriptBlockFromFile } from '../host/runtime/scriptfile.ts';
import { currentServer } from '../host/runtime/server.ts';
import type { TaskProcess, TaskScript } from '../host/tasks/tasks.ts';

const cmdlet = defineGroup('Tasks');

/** -Process (alias Task): the process Invoke-PodeTask or Get-PodeTaskProcess returned. */
const processParam = (help: string) =>
  ({ name: 'Process', type: 'Hashtable', mandatory: true, position: 0, pipeline: true, aliases: ['Task'], help }) as const;

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as PromiseLike<unknown>).then === 'function';
const isProcess = (v: unknown): v is TaskProcess =>
  typeof v === 'object' && v !== null && typeof (v as TaskProcess).ID === 'string' && isThenable((v as TaskProcess).Result);

export const AddPodeTask = cmdlet({
  name: 'Add-PodeTask',
  synopsis: 'Adds a new Task.',
  description:
    'Adds a new Task, which can be asynchronously or synchronously invoked.\n' +
    'The script is a function (possibly async) called with one object: the -ArgumentList keys (those of Invoke-PodeTask ' +
    'over those given here) and `Event`, the run’s `$TaskEvent` (Lockable, Sender, Timestamp, ProcessId, Metadata), also a global while it runs. ' +
    'Its return value is the task’s result; an error it throws is logged and reported to whoever waits on it, never ending the server.',
  examples: [
    { code: "Add-PodeTask -Name 'Example1' -ScriptBlock { Invoke-SomeLogic }" },
    { code: "Add-PodeTask -Name 'Example1' -ScriptBlock { return Get-SomeObject }" },
    { code: "Add-PodeTask -Name 'Example1' -ScriptBlock { return Get-SomeObject } -MaxRetries 3 -RetryDelay 5 -AutoRetry" },
    { code: "AddPodeTask({ Name: 'Sum', ScriptBlock: async ({ a, b }) => a + b, ArgumentList: { a: 1, b: 2 } })", text: 'A script takes its arguments by name.' },
  ],
  defaultParameterSet: 'Script',
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The Name of the Task.' },
    { name: 'ScriptBlock', type: 'ScriptBlock', mandatory: true, sets: ['Script'], help: 'The script for the Task.' },
    {
      name: 'FilePath',
      type: 'String',
      mandatory: true,
      sets: ['File'],
      help: "A literal, or relative, path to a file containing a ScriptBlock for the Task's logic: a module whose default export is the function.",
    },
    { name: 'ArgumentList', type: 'Hashtable', help: "A hashtable of arguments to supply to the Task's ScriptBlock." },
    {
      name: 'Timeout',
      type: 'Int32',
      default: -1,
      help: 'A Timeout, in seconds, to abort running the Task process. (Default: -1 [never timeout]) A JS function cannot be stopped: a process past it is reported Failed (timed out) and what its script returns later is ignored.',
    },
    {
      name: 'TimeoutFrom',
      type: 'String',
      default: 'Create',
      validateSet: ['Create', 'Start'],
      help: "Where to start the Timeout from, either 'Create', 'Start'. (Default: 'Create')",
    },
    { name: 'MaxRetries', type: 'Int32', default: 0, help: 'The maximum number of retries to attempt if the Task fails. (Default: 0)' },
    { name: 'RetryDelay', type: 'Int32', default: 0, help: 'The delay, in minutes, between automatically retrying failed task processes. (Default: 0)' },
    {
      name: 'AutoRetry',
      type: 'SwitchParameter',
      help: 'If supplied, the Task will automatically retry processes if they fail (its script threw, or it timed out); whoever waits on it waits for the last try.',
    },
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    if (server.tasks.has(args.Name)) throw errors.TaskAlreadyDefined(ctx.command, { name: args.Name });
    const script = (args.ScriptBlock ?? scriptBlockFromFile(server, args.FilePath!, ctx.command)) as TaskScript;
    server.tasks.add(ctx.command, {
      Name: args.Name,
      Script: script,
      Arguments: args.ArgumentList ?? {},
      Timeout: args.Timeout,
      TimeoutFrom: args.TimeoutFrom as 'Create' | 'Start',
      MaxRetries: args.MaxRetries,
      RetryDelay: args.RetryDelay,
      AutoRetry: args.AutoRetry,
    });
    ctx.verbose(`Task '${args.Name}' added`);
  },
});

export const SetPodeTaskConcurrency = cmdlet({
  name: 'Set-PodeTaskConcurrency',
  synopsis: 'Set the maximum number of concurrent Tasks.',
  description:
    'Set the maximum number of concurrent Tasks (2 by default, as Pode’s). Processes invoked beyond it wait, Pending, and start in the order they were invoked as running ones finish.',
  examples: [{ code: 'Set-PodeTaskConcurrency -Maximum 10' }],
  parameters: [{ name: 'Maximum', type: 'Int32', mandatory: true, help: 'The Maximum number of Tasks to run.' }],
  run: (args, ctx) => currentServer(ctx.command).tasks.setMaximum(ctx.command, args.Maximum),
});

export const InvokePodeTask = cmdlet({
  name: 'Invoke-PodeTask',
  synopsis: 'Invoke a Task.',
  description:
    'Invoke a Task either asynchronously or synchronously, with support for returning values.\n' +
    'The function returns the Task process object which was triggered: ID, Task (the name), State (Pending, Running, Completed, Failed), ' +
    'CreateTime, StartTime, CompletedTime, ExpireTime, Timeout, Runspace.Handler.IsCompleted, and `Result`, a Promise of what the script returns ' +
    '(rejected with its error or the timeout). With -Wait the call returns a Promise of the result instead.',
  examples: [
    { code: "Invoke-PodeTask -Name 'Example1' -Wait -Timeout 5" },
    { code: "$task = Invoke-PodeTask -Name 'Example1'" },
    { code: "Invoke-PodeTask -Name 'Example1' | Wait-PodeTask -Timeout 3" },
    { code: "const value = await InvokePodeTask({ Name: 'Example1', Wait: true })" },
  ],
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, position: 0, pipeline: true, help: 'The Name of the Task.' },
    { name: 'ArgumentList', type: 'Hashtable', default: null, help: "A hashtable of arguments to supply to the Task's ScriptBlock." },
    { name: 'Timeout', type: 'Int32', default: -1, help: 'A Timeout, in seconds, to abort running the Task process. (Default: -1 [never timeout])' },
    {
      name: 'TimeoutFrom',
      type: 'String',
      default: 'Default',
      validateSet: ['Default', 'Create', 'Start'],
      help: "Where to start the Timeout from, either 'Default', 'Create', or 'Start'. (Default: 'Default' - will use the value from Add-PodeTask)",
    },
    { name: 'Wait', type: 'SwitchParameter', help: 'If supplied, Pode will wait until the Task process has finished executing, and then return any values.' },
  ],
  outputs: 'The triggered Task process (a Promise of its result with -Wait).',
  run: (args, ctx): TaskProcess | Promise<unknown> => {
    const tasks = currentServer(ctx.command).tasks;
    const process = tasks.invoke(ctx.command, args.Name, args.ArgumentList, args.Timeout, args.TimeoutFrom as 'Default' | 'Create' | 'Start');
    // Pode passes the same -Timeout to Wait-PodeTask, whose process wait counts it in seconds.
    if (args.Wait) return tasks.wait(ctx.command, process, args.Timeout > 0 ? args.Timeout * 1000 : -1);
    return process;
  },
});

export const RemovePodeTask = cmdlet({
  name: 'Remove-PodeTask',
  synopsis: 'Removes a specific Task.',
  description:
    "Removes a specific Task; a name that is not defined is ignored, as in Pode. A running process carries on; one still queued fails with \"Task 'name' does not exist.\" when its turn comes.",
  examples: [{ code: "Remove-PodeTask -Name 'Example1'" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, position: 0, pipeline: true, help: 'The Name of Task to be removed.' }],
  run: (args, ctx) => {
    currentServer(ctx.command).tasks.remove(args.Name);
  },
});

export const ClearPodeTasks = cmdlet({
  name: 'Clear-PodeTasks',
  synopsis: 'Removes all Tasks.',
  description: 'Removes all Tasks. Running processes carry on; queued ones fail when their turn comes, as after Remove-PodeTask.',
  examples: [{ code: 'Clear-PodeTasks' }],
  parameters: [],
  run: (_args, ctx) => currentServer(ctx.command).tasks.clear(),
});

export const EditPodeTask = cmdlet({
  name: 'Edit-PodeTask',
  synopsis: 'Edits an existing Task.',
  description:
    "Edits an existing Task's properties, such as scriptblock. Every process not yet started uses the new values (a process reads its task when it starts, as in Pode); an empty ArgumentList leaves the arguments as they were.",
  examples: [{ code: "Edit-PodeTask -Name 'Example1' -ScriptBlock { Invoke-SomeNewLogic }" }],
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, position: 0, pipeline: true, help: 'The Name of the Task.' },
    { name: 'ScriptBlock', type: 'ScriptBlock', help: 'The new ScriptBlock for the Task.' },
    { name: 'ArgumentList', type: 'Hashtable', help: 'Any new Arguments for the Task.' },
  ],
  run: (args, ctx) => {
    const task = currentServer(ctx.command).tasks.get(ctx.command, args.Name);
    if (typeof args.ScriptBlock === 'function') task.Script = args.ScriptBlock as TaskScript;
    // Pode's Test-PodeIsEmpty: a hashtable with no keys is empty, and leaves the arguments alone.
    if (args.ArgumentList && Object.keys(args.ArgumentList).length > 0) task.Arguments = { ...args.ArgumentList };
  },
});

export const GetPodeTask = cmdlet({
  name: 'Get-PodeTask',
  synopsis: 'Returns any defined Tasks.',
  description: 'Returns any defined Tasks, with support for filtering: Name, Script, Arguments and Timeout (Value, From) of each.',
  examples: [{ code: 'Get-PodeTask' }, { code: 'Get-PodeTask -Name Example1, Example2' }],
  parameters: [{ name: 'Name', type: 'String[]', help: 'Any Task Names to filter the Tasks.' }],
  run: (args, ctx) => currentServer(ctx.command).tasks.list(args.Name),
});

export const UsePodeTasks = cmdlet({
  name: 'Use-PodeTasks',
  synopsis: 'Automatically loads task ps1 files',
  description:
    'Automatically loads task files from either a /tasks folder, or a custom folder. Saves space dot-sourcing them all one-by-one.\n' +
    'In podets the files are modules (.ts, .js, .mjs, in the folder and below, in name order): each is imported and, when its default export is a function, ' +
    'that is called for the server (where it calls AddPodeTask…). The server starts once they have loaded.',
  examples: [{ code: 'Use-PodeTasks' }, { code: "Use-PodeTasks -Path './my-tasks'" }],
  parameters: [{ name: 'Path', type: 'String', help: 'Optional Path to a folder containing task files, can be relative or literal.' }],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    const folder = server.path(args.Path && args.Path.trim() !== '' ? args.Path : 'tasks');
    if (!existsSync(folder)) throw errors.PathToLoadNotFound(ctx.command, { what: 'tasks', path: folder });
    const files = moduleFiles(folder);
    const loading = (async () => {
      for (const file of files) {
        const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
        if (typeof mod.default === 'function') await runAmbient({ server }, mod.default as () => unknown);
      }
    })();
    server.setup.push(loading);
    return undefined;
  },
});

function moduleFiles(folder: string): string[] {
  if (!statSync(folder).isDirectory()) return /\.(ts|js|mjs)$/.test(folder) ? [folder] : [];
  return readdirSync(folder)
    .sort()
    .flatMap((name) => {
      const path = join(folder, name);
      return statSync(path).isDirectory() ? moduleFiles(path) : /\.(ts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
    });
}

export const ClosePodeTask = cmdlet({
  name: 'Close-PodeTask',
  synopsis: 'Close and dispose of a Task.',
  description:
    'Close and dispose of a Task, even if still running. A process not yet over is reported Failed (TaskClosed) to whoever waits on it; ' +
    'a queued one never starts; a running script cannot be stopped, so it finishes on its own and its result is ignored.',
  examples: [{ code: "Invoke-PodeTask -Name 'Example1' | Close-PodeTask" }],
  parameters: [{ name: 'Process', type: 'Hashtable', mandatory: true, position: 0, pipeline: true, aliases: ['Task'], help: 'The Task to be closed.' }],
  run: (args, ctx) => {
    if (!isProcess(args.Process)) throw errors.InvalidTaskType(ctx.command);
    currentServer(ctx.command).tasks.close(ctx.command, args.Process);
  },
});

export const TestPodeTaskCompleted = cmdlet({
  name: 'Test-PodeTaskCompleted',
  synopsis: 'Test if a running Task process has completed (including failed).',
  description:
    'Test if a running Task process has completed (including failed): true once it is over, whether it succeeded, failed or timed out; false while an -AutoRetry waits to run it again.',
  examples: [{ code: "Invoke-PodeTask -Name 'Example1' | Test-PodeTaskCompleted" }],
  parameters: [processParam('The Task process to be check. The process returned by either Invoke-PodeTask or Get-PodeTaskProcess.')],
  outputs: 'System.Boolean',
  run: (args): boolean => Boolean((args.Process as Partial<TaskProcess>).Runspace?.Handler?.IsCompleted),
});

export const TestPodeTaskFailed = cmdlet({
  name: 'Test-PodeTaskFailed',
  synopsis: 'Test if a running Task process has failed.',
  description: 'Test if a running Task process has failed: its script threw, it timed out, or it was closed or cancelled before it finished.',
  examples: [{ code: "Invoke-PodeTask -Name 'Example1' | Test-PodeTaskFailed" }],
  parameters: [processParam('The Task process to be check. The process returned by either Invoke-PodeTask or Get-PodeTaskProcess.')],
  outputs: 'System.Boolean',
  run: (args): boolean => (args.Process as Partial<TaskProcess>).State === 'Failed',
});

export const RestartPodeTaskProcess = cmdlet({
  name: 'Restart-PodeTaskProcess',
  synopsis: 'Restart a Task process which has failed.',
  description:
    'Restart a Task process which has failed: it runs again with the same ID and arguments (and the task’s current script), queued as a new invocation would be. ' +
    'A process that has not failed is left as it is. Returns the process; with -Wait, a Promise of its result.',
  examples: [
    { code: "$task = Invoke-PodeTask -Name 'Example1' -Wait\nif (Test-PodeTaskFailed -Process $task) {\n    Restart-PodeTaskProcess -Process $task\n}" },
    { code: "Get-PodeTaskProcess -State 'Failed' | ForEach-Object { Restart-PodeTaskProcess -Process $_ }" },
  ],
  parameters: [
    processParam('The Task process to be restarted. The process returned by either Invoke-PodeTask or Get-PodeTaskProcess.'),
    { name: 'Timeout', type: 'Int32', default: -1, help: 'A Timeout, in seconds, to abort running the Task process. (Default: -1 [never timeout])' },
    { name: 'Wait', type: 'SwitchParameter', help: 'If supplied, Pode will wait until the Task process has finished' },
  ],
  run: (args, ctx): TaskProcess | Promise<unknown> => {
    if (!isProcess(args.Process)) throw errors.InvalidTaskType(ctx.command);
    const tasks = currentServer(ctx.command).tasks;
    const process = tasks.restart(ctx.command, args.Process, args.Timeout);
    if (args.Wait) return tasks.wait(ctx.command, process, args.Timeout > 0 ? args.Timeout * 1000 : -1);
    return process;
  },
});

export const WaitPodeTask = cmdlet({
  name: 'Wait-PodeTask',
  synopsis: 'Waits for a Task process to finish, and returns a result if there is one.',
  description:
    'Waits for a Task process to finish, and returns a result if there is one: a Promise of it. ' +
    'On a task process, -Timeout counts seconds (as Pode’s process wait does) and the process is closed after the wait; on any other Promise, ' +
    'milliseconds. Past it the wait fails with "Task has timed out after {ms}ms." (Pode returns the output so far instead; a JS script has none to give). ' +
    'A task whose script failed rejects with its error.',
  examples: [
    { code: '$context = Wait-PodeTask -Task $listener.GetContextAsync()' },
    { code: "$result = Invoke-PodeTask -Name 'Example1' | Wait-PodeTask" },
  ],
  parameters: [
    {
      name: 'Process',
      type: 'Object',
      mandatory: true,
      position: 0,
      pipeline: true,
      aliases: ['Task'],
      help: 'The Task process to wait on. The process returned by either Invoke-PodeTask or Get-PodeTaskProcess; or a Promise.',
    },
    { name: 'Timeout', type: 'Int32', default: -1, help: 'An optional Timeout in milliseconds.' },
  ],
  outputs: 'Object',
  run: (args, ctx): Promise<unknown> => {
    const server = currentServer(ctx.command);
    const task = args.Process;
    if (isProcess(task)) return server.tasks.wait(ctx.command, task, args.Timeout > 0 ? args.Timeout * 1000 : -1);
    if (isThenable(task)) return server.tasks.waitPromise(ctx.command, task, args.Timeout);
    throw errors.InvalidTaskType(ctx.command);
  },
});

export const GetPodeTaskProcess = cmdlet({
  name: 'Get-PodeTaskProcess',
  synopsis: 'Get all Task Processes.',
  description:
    'Get all Task Processes, with support for filtering. These are the processes created when using Invoke-PodeTask; a process is forgotten when closed ' +
    '(Close-PodeTask, or after Wait-PodeTask) or a minute after it completed, as Pode’s housekeeper does.',
  examples: [
    { code: 'Get-PodeTaskProcess' },
    { code: "Get-PodeTaskProcess -Name 'TaskName'" },
    { code: "Get-PodeTaskProcess -Id 'TaskId'" },
    { code: "Get-PodeTaskProcess -State 'Running'" },
  ],
  parameters: [
    { name: 'Name', type: 'String[]', help: 'An optional Name of the Task to filter by, can be one or more.' },
    { name: 'Id', type: 'String[]', help: 'An optional ID of the Task process to filter by, can be one or more.' },
    {
      name: 'State',
      type: 'String[]',
      default: 'All',
      validateSet: ['All', 'Pending', 'Running', 'Completed', 'Failed'],
      help: 'An optional State of the Task process to filter by, can be one or more.',
    },
  ],
  run: (args, ctx) =>
    currentServer(ctx.command).tasks.listProcesses({
      Name: typeof args.Name === 'string' ? [args.Name] : args.Name,
      Id: typeof args.Id === 'string' ? [args.Id] : args.Id,
      State: typeof args.State === 'string' ? [args.State] : args.State,
    }),
});
