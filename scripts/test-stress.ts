// npm run test:stress [-- --runs K]: runs the suites whose promises depend on timing (scale-out, replay,
// shutdown, robustness) K times in a row while one burner per core keeps the CPU busy, so a suite that only
// passes on an idle machine is caught here instead of in someone's CI. Each run is its own mocha process,
// so one run's leftovers (servers, sockets, Redis keys) cannot help or hurt the next.
//
//   --runs K           how many runs (default 5, or PODETS_STRESS_RUNS)
//   --burners N        how many burner processes (default os.availableParallelism(), or PODETS_STRESS_BURNERS)
//   --run-timeout S    seconds before a run counts as hung and is killed (default 900, or PODETS_STRESS_RUN_TIMEOUT)
//   FILE...            run these test files instead of the list below (to chase one flaky suite)
//
// Prints one line per run (passed/failed/pending, duration) and the output of every failed run, then
// `test:stress: P/K runs passed`; exits 1 if any run failed.
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// The suites, and why each is here:
const stressSuites = [
  // scale-out: --workers and --redis, their replay across processes and their faults (kill -9, Redis
  // restarted or frozen): the races in delivery order and presence show up only when processes are slow.
  'test/scale/*.test.ts',
  // robustness: thousands of connects/drops and a stalled client under a 50 MB broadcast; memory and
  // drop detection must hold when the event loop is starved.
  'test/sse/robustness.test.ts',
  // replay with a real EventSource client: reconnect with Last-Event-ID, missed events once and in order.
  'test/sse/eventsource.test.ts',
  // replay (history, pode.gap, replay past --sse-max-buffer) and SIGTERM shutdown sending pode.close.
  'test/sse/wire.test.ts',
  // the history's replay and gap rules themselves (in-process, cheap; a clock-based id must not repeat).
  'test/host/sse/history.test.ts',
  // shutdown: SIGTERM lets a request in flight finish, then exits 0; the CLI's start-up and exit codes.
  'test/host/cli/serve.test.ts',
  // the example end to end: replay on reconnect and pode.close on shutdown.
  'test/examples/sse.test.ts',
  // streams that end with their identity (a JWT's exp, a session's end, across two instances sharing Redis), and
  // the notifications example: login, per-user delivery, logout ending a stream while its own save is pending.
  'test/sse/identity.test.ts',
  'test/host/auth/sessions-redis.test.ts',
  'test/examples/notifications.test.ts',
  // tasks: a queue, timeouts and progress over SSE, and shutdown waiting for running tasks.
  'test/host/tasks/*.test.ts',
  // the task-progress example: two jobs running while a third waits in the queue, its progress to its page only.
  'test/examples/tasks.test.ts',
];

const valueFlags = ['--runs', '--burners', '--run-timeout'];
const files = process.argv.slice(2).filter((arg, i, args) => !arg.startsWith('--') && !valueFlags.includes(args[i - 1]));
const unknown = process.argv.slice(2).filter((arg) => arg.startsWith('--') && !valueFlags.includes(arg));
if (unknown.length > 0) {
  console.error(`test:stress: unknown option ${unknown[0]} (valid: ${valueFlags.join(', ')})`);
  process.exit(2);
}
const suites = files.length > 0 ? files : stressSuites;

function option(flag: string, env: string, fallback: number): number {
  const args = process.argv.slice(2);
  const at = args.indexOf(flag);
  const raw = at >= 0 ? args[at + 1] : process.env[env];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`test:stress: ${at >= 0 ? flag : env} must be a whole number of at least 1, got '${raw}'`);
    process.exit(2);
  }
  return value;
}

const runs = option('--runs', 'PODETS_STRESS_RUNS', 5);
const burnerCount = option('--burners', 'PODETS_STRESS_BURNERS', availableParallelism());
const runTimeoutMs = option('--run-timeout', 'PODETS_STRESS_RUN_TIMEOUT', 900) * 1000;

// Pure CPU work in a loop. It checks now and then that its parent is alive, so a stress run killed with
// SIGKILL leaves no burner behind (a busy loop never runs the event loop, so it cannot listen for
// 'disconnect'; and process.ppid is read once at start-up, so it cannot tell either).
const burnerSource = `
  const parent = ${process.pid};
  let x = 0;
  for (;;) {
    for (let i = 0; i < 5e6; i++) x = (x * 1103515245 + 12345) % 2147483648;
    try { process.kill(parent, 0); } catch { process.exit(0); }
  }
`;

const burners: ChildProcess[] = [];
let mocha: ChildProcess | undefined;

function startBurners(): void {
  for (let i = 0; i < burnerCount; i++) {
    burners.push(spawn(process.execPath, ['-e', burnerSource], { stdio: 'ignore' }));
  }
}

// Mocha runs in a process group of its own, so that killing the group also ends the servers and workers
// the tests started.
function killMocha(): void {
  if (mocha?.pid !== undefined && mocha.exitCode === null && mocha.signalCode === null) {
    try { process.kill(-mocha.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}

function stopAll(): void {
  killMocha();
  for (const burner of burners) if (burner.exitCode === null && burner.signalCode === null) burner.kill('SIGKILL');
}

process.on('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    console.error(`\ntest:stress: ${signal}, stopping the run and the burners`);
    stopAll();
    process.exit(130);
  });
}
process.on('uncaughtException', (error) => {
  console.error('test:stress:', error);
  stopAll();
  process.exit(1);
});

interface RunResult { passed: number; failed: number; pending: number; ms: number; ok: boolean; output: string; why: string }

function runOnce(): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/mocha/bin/mocha.js'), ...suites], {
      cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' },
    });
    mocha = child;
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    let hung = false;
    const watchdog = setTimeout(() => { hung = true; killMocha(); }, runTimeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      // Mocha's summary: "  104 passing (3m)", "  1 failing", "  2 pending".
      const count = (word: string) => Number([...output.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))].at(-1)?.[1] ?? 0);
      const passed = count('passing');
      const failed = count('failing');
      const pending = count('pending');
      const why = hung ? `hung: killed after ${runTimeoutMs / 1000} s`
        : signal ? `mocha ended by ${signal}`
        : code !== 0 ? `mocha exited ${code}` : '';
      // A run passes only if mocha says so and every test reported ran: exit 0, nothing failing, something passing.
      const ok = !hung && code === 0 && failed === 0 && passed > 0;
      resolve({ passed, failed, pending, ms: Date.now() - started, ok, output, why: ok ? '' : why || 'no test passed' });
    });
  });
}

async function main(): Promise<void> {
  console.log(`test:stress: ${runs} run(s) of ${suites.join(' ')}`);
  console.log(`test:stress: ${burnerCount} burner process(es) keep every core busy`);
  startBurners();
  let passedRuns = 0;
  const totalStart = Date.now();
  for (let run = 1; run <= runs; run++) {
    const result = await runOnce();
    if (result.ok) passedRuns++;
    const line = `run ${run}/${runs}: ${result.ok ? 'passed' : 'FAILED'}: ${result.passed} passing, ${result.failed} failing` +
      `${result.pending ? `, ${result.pending} pending` : ''}, ${(result.ms / 1000).toFixed(1)} s${result.why ? ` (${result.why})` : ''}`;
    if (!result.ok) console.log(`\n---- output of run ${run} ----\n${result.output.trimEnd()}\n---- end of run ${run} ----`);
    console.log(line);
  }
  stopAll();
  console.log(`test:stress: ${passedRuns}/${runs} runs passed (${((Date.now() - totalStart) / 60000).toFixed(1)} min)`);
  process.exitCode = passedRuns === runs ? 0 : 1;
}

void main();
