// Pode's Lock-PodeObject and its Lockables (file group "Threading", src/Public/Threading.ps1): an exclusive lock
// per object or per named Lockable, held while a script runs (across its awaits), released however the script
// ends; other callers queue in order. The engine is host/state/lock.ts; the Lockables are the server's
// (server.state.lockables). Under --workers or --redis the locks on Lockables and on state values are
// cluster-wide (host/state/cluster-locks.ts); other objects' locks are per process. Pode's Mutex and Semaphore
// cmdlets are not ported.
import { defineGroup } from '../host/cmdlet/define.ts';
import { errors } from '../host/errors/catalog.ts';
import { logException } from '../host/log.ts';
import { ambient, runAmbient } from '../host/runtime/ambient.ts';
import { currentServer, type PodeServer } from '../host/runtime/server.ts';
import { ClusterLockError, clusterKeyOf, type ReadSet } from '../host/state/cluster-locks.ts';
import { isValueType } from '../host/state/lock.ts';

const cmdlet = defineGroup('Threading');

const objectHelp = 'The Object, or Lockable, to lock. If no Object is supplied then the global lockable is used by default.';
const nameHelp = 'The Name of a Lockable object in Pode to lock, if no Name is supplied then the global lockable is used by default.';
const timeoutHelp = 'If supplied, a number of milliseconds to timeout after if a lock cannot be acquired. (Default: Infinite, -1)';
const checkGlobalHelp = "If supplied, will check the global Lockable object and wait until it's freed-up before locking the passed object.";

/** What a call locks: -Name's Lockable, else -Object, else (a Name not defined, $null) the global Lockable, as in Pode. */
function targetOf(server: PodeServer, object: unknown, name: string | undefined): unknown {
  const lockables = server.state.lockables;
  const target = name !== undefined && name !== '' ? lockables.get(name) : object;
  return target === null || target === undefined ? lockables.global : target;
}

/** A lock held: how to release it, and for a cluster-wide one the state entries read under it. */
interface Held {
  release(): void;
  reads?: ReadSet;
}

/** The cluster key of a target when its lock is cluster-wide (--workers, --redis), else undefined. */
function clusterKey(server: PodeServer, target: object) {
  return server.state.locks ? clusterKeyOf(server.state.lockables, server.state.store, target) : undefined;
}

/** One lock within `ms`: cluster-wide for Lockables and state values under a cluster, else this process's. */
async function take(server: PodeServer, target: object, ms: number, open: boolean, command: string): Promise<Held> {
  const locks = server.state.locks;
  const cluster = clusterKey(server, target);
  if (locks && cluster) {
    let reads: ReadSet | undefined;
    try {
      reads = await locks.acquire(cluster.key, ms, open, cluster.stateName);
    } catch (err) {
      if (err instanceof ClusterLockError) throw errors.ClusterLockUnreachable(command, { where: err.where, reason: err.reason });
      throw err;
    }
    if (!reads) throw errors.FailedToAcquireLock(command);
    return { release: () => locks.release(cluster.key), reads };
  }
  const lockables = server.state.lockables;
  const lock = lockables.lockOf(target);
  if (!(await lock.acquire(ms, lockables.clock))) throw errors.FailedToAcquireLock(command);
  return { release: () => lock.release() };
}

/** Enter-PodeLockable's rules: the value-type check, -CheckGlobal's wait, then the lock within -Timeout. */
async function enter(server: PodeServer, target: unknown, timeout: number, checkGlobal: boolean, open: boolean, command: string): Promise<Held> {
  if (isValueType(target)) throw errors.CannotLockValueType(command);
  const ms = timeout < 0 ? -1 : timeout;
  if (checkGlobal) (await take(server, server.state.lockables.global, ms, false, command)).release();
  return take(server, target as object, ms, open, command);
}

export const LockPodeObject = cmdlet({
  name: 'Lock-PodeObject',
  synopsis: 'Places a temporary lock on an object, or Lockable, while a ScriptBlock is invoked.',
  description:
    'Places an exclusive lock on an object, or Lockable, while a ScriptBlock is invoked, and resolves when it has run: other callers locking the same object (or Name) wait, in order, ' +
    'across the awaits of the script. A script that throws releases the lock; the error is logged and rethrown, as in Pode. With -Return the script\'s value is what the call resolves to. ' +
    'Unlike a .NET Monitor the lock is not re-entrant: a script must not lock again what it holds. Numbers, booleans and strings cannot be locked. ' +
    'Under --workers or --redis a lock on a Lockable (the global one, a named one) or on a state value is cluster-wide, and the state values the script read and changed in place are shared before the next holder gets the lock; ' +
    'a lock on another object is per process.',
  examples: [
    { code: 'await Lock-PodeObject -ScriptBlock { /* logic */ }' },
    { code: 'await Lock-PodeObject -Object $SomeArray -ScriptBlock { /* logic */ }' },
    { code: "await Lock-PodeObject -Name 'LockName' -Timeout 5000 -ScriptBlock { /* logic */ }" },
    { code: '$result = await Lock-PodeObject -Return -Object $SomeArray -ScriptBlock { /* logic */ }' },
  ],
  defaultParameterSet: 'Object',
  parameters: [
    { name: 'Object', type: 'Object', pipeline: true, position: 0, sets: ['Object'], help: objectHelp },
    { name: 'Name', type: 'String', mandatory: true, sets: ['Name'], help: nameHelp },
    { name: 'ScriptBlock', type: 'ScriptBlock', mandatory: true, help: 'The ScriptBlock to invoke.' },
    { name: 'Timeout', type: 'Int32', default: -1, help: timeoutHelp },
    { name: 'Return', type: 'SwitchParameter', help: 'If supplied, any values from the ScriptBlock will be returned.' },
    { name: 'CheckGlobal', type: 'SwitchParameter', help: checkGlobalHelp },
  ],
  outputs: 'System.Object',
  run: async (args, ctx): Promise<unknown> => {
    const server = currentServer(ctx.command);
    const target = targetOf(server, args.Object, args.Name);
    let lock: Held | undefined;
    try {
      lock = await enter(server, target, args.Timeout ?? -1, args.CheckGlobal, false, ctx.command);
      const script = args.ScriptBlock as () => unknown;
      // A cluster lock notes what its script reads (its own scope, across awaits), to republish in-place changes.
      const reads = lock.reads;
      const result = await (reads ? runAmbient({ ...(ambient() ?? { server }), lockReads: reads }, script) : script());
      return args.Return ? result : undefined;
    } catch (err) {
      logException(ctx.command, err);
      throw err;
    } finally {
      lock?.release();
    }
  },
});

export const NewPodeLockable = cmdlet({
  name: 'New-PodeLockable',
  synopsis: 'Creates a new custom Lockable object.',
  description: 'Creates a new custom Lockable object for use with Lock-PodeObject, and Enter/Exit-PodeLockable; nothing happens when one of that name exists.',
  examples: [{ code: "New-PodeLockable -Name 'Lock1'" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, help: 'The Name of the Lockable object.' }],
  run: (args, ctx) => {
    currentServer(ctx.command).state.lockables.add(args.Name);
  },
});

export const RemovePodeLockable = cmdlet({
  name: 'Remove-PodeLockable',
  synopsis: 'Removes a custom Lockable object.',
  description: 'Removes a custom Lockable object. A lock held on it is held until released.',
  examples: [{ code: "Remove-PodeLockable -Name 'Lock1'" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, help: 'The Name of the Lockable object to remove.' }],
  run: (args, ctx) => {
    currentServer(ctx.command).state.lockables.remove(args.Name);
  },
});

export const GetPodeLockable = cmdlet({
  name: 'Get-PodeLockable',
  synopsis: 'Get a custom Lockable object.',
  description: 'Get a custom Lockable object for use with Lock-PodeObject, and Enter/Exit-PodeLockable ($null when there is none of that name).',
  examples: [{ code: "Lock-PodeObject -Object (Get-PodeLockable -Name 'Lock1') -ScriptBlock {}" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, help: 'The Name of the Lockable object.' }],
  outputs: 'System.Object',
  run: (args, ctx) => currentServer(ctx.command).state.lockables.get(args.Name) ?? null,
});

export const TestPodeLockable = cmdlet({
  name: 'Test-PodeLockable',
  synopsis: 'Test if a custom Lockable object exists.',
  description: 'Test if a custom Lockable object exists.',
  examples: [{ code: "Test-PodeLockable -Name 'Lock1'" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, help: 'The Name of the Lockable object.' }],
  outputs: 'System.Boolean',
  run: (args, ctx) => currentServer(ctx.command).state.lockables.has(args.Name),
});

export const EnterPodeLockable = cmdlet({
  name: 'Enter-PodeLockable',
  synopsis: 'Place a lock on an object or Lockable.',
  description:
    'Place a lock on an object or Lockable; resolves once it is held. This should eventually be followed by a call to Exit-PodeLockable (prefer Lock-PodeObject, which always releases). ' +
    'Under --workers or --redis, cluster-wide as for Lock-PodeObject.',
  examples: [{ code: 'await Enter-PodeLockable -Object $SomeArray' }, { code: "await Enter-PodeLockable -Name 'LockName' -Timeout 5000" }],
  defaultParameterSet: 'Object',
  parameters: [
    { name: 'Object', type: 'Object', pipeline: true, position: 0, sets: ['Object'], help: objectHelp },
    { name: 'Name', type: 'String', mandatory: true, sets: ['Name'], help: nameHelp },
    { name: 'Timeout', type: 'Int32', default: -1, help: timeoutHelp },
    { name: 'CheckGlobal', type: 'SwitchParameter', help: checkGlobalHelp },
  ],
  run: async (args, ctx): Promise<void> => {
    const server = currentServer(ctx.command);
    await enter(server, targetOf(server, args.Object, args.Name), args.Timeout ?? -1, args.CheckGlobal, true, ctx.command);
  },
});

export const ExitPodeLockable = cmdlet({
  name: 'Exit-PodeLockable',
  synopsis: 'Remove a lock from an object or Lockable.',
  description:
    'Remove a lock from an object or Lockable, that was originally locked via Enter-PodeLockable: the next caller waiting gets it. A lock not held is left alone. ' +
    'podets cannot tell which caller holds a lock, so the call releases it whoever entered it.',
  examples: [{ code: 'Exit-PodeLockable -Object $SomeArray' }, { code: "Exit-PodeLockable -Name 'LockName'" }],
  defaultParameterSet: 'Object',
  parameters: [
    { name: 'Object', type: 'Object', pipeline: true, position: 0, sets: ['Object'], help: 'The Object, or Lockable, to unlock. If no Object is supplied then the global lockable is used by default.' },
    { name: 'Name', type: 'String', mandatory: true, sets: ['Name'], help: 'The Name of a Lockable object in Pode to unlock, if no Name is supplied then the global lockable is used by default.' },
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    const target = targetOf(server, args.Object, args.Name);
    if (isValueType(target)) throw errors.CannotUnlockValueType(ctx.command);
    const cluster = clusterKey(server, target as object);
    if (cluster) server.state.locks!.release(cluster.key);
    else server.state.lockables.lockOf(target as object).release();
  },
});

export const ClearPodeLockables = cmdlet({
  name: 'Clear-PodeLockables',
  synopsis: 'Remove all Lockables.',
  description: 'Remove all custom Lockables (the global Lockable stays).',
  examples: [{ code: 'Clear-PodeLockables' }],
  parameters: [],
  run: (_args, ctx) => {
    currentServer(ctx.command).state.lockables.clear();
  },
});
