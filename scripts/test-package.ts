// `npm run test:package`: podets as a user gets it. Packs the package, installs the tarball into fresh
// temporary projects (an ES module one and a CommonJS one, as `npm init -y` writes it), and checks there:
// - the tarball: LICENSE, README and dist/ in; no tests, benches or CI files; no declaration naming a .ts file;
// - `tsc --noEmit` is clean with `tsc --init`'s defaults and with a strict config (skipLibCheck off), for a
//   globals-style script (`/// <reference types="podets/globals" />`) and an import-style one;
// - `npx podets serve <script> --port 0` serves, and an SSE request gets `event: pode.open`;
// - `npx podets help` works.
// Every command run is printed with its output. Dependencies come from the npm cache or the registry.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'podets-package-'));
const TYPESCRIPT = 'typescript@5.9';
const failures: string[] = [];

function indent(text: string): string {
  return text.trimEnd().replace(/^/gm, '    ');
}

/** Runs a command, prints it and its output; a failing command is recorded (or thrown, with `fatal`). */
const where = (cwd: string) => (cwd === root ? 'podets' : relative(work, cwd));

function run(cwd: string, cmd: string, args: string[], { fatal = true, quiet = false } = {}): string {
  console.log(`\n$ (${where(cwd)}) ${[cmd, ...args].join(' ')}`);
  try {
    const out = execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    if (!quiet) console.log(out.trim() ? indent(out) : '    (exit 0, no output)');
    return out;
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    console.log(indent(`${e.stdout ?? ''}${e.stderr ?? ''}`) + `\n    (exit ${e.status})`);
    const what = `${[cmd, ...args].join(' ')} in ${where(cwd)} failed (exit ${e.status})`;
    if (fatal) throw new Error(what);
    failures.push(what);
    return '';
  }
}

function check(ok: boolean, what: string): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

// ---- the tarball ----------------------------------------------------------------------------------------
console.log(`podets package check in ${work}`);
const packed = JSON.parse(run(root, 'npm', ['pack', '--json', '--pack-destination', work], { quiet: true })) as Array<{
  filename: string;
  files: Array<{ path: string }>;
}>;
const tarball = join(work, packed[0]!.filename);
const files = packed[0]!.files.map((f) => f.path);
console.log(`    ${packed[0]!.filename}: ${files.length} files`);
for (const must of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/globals.d.ts', 'dist/host/cli/bin.js'])
  check(files.includes(must), `the tarball holds ${must}`);
const unwanted = files.filter((f) => /^(test|bench|\.ci|scripts|examples|host|cmdlets)\//.test(f) || /(^|\/)\.build-stamp$|\.tsbuildinfo$/.test(f) || /^[^/]+\.ts$/.test(f));
check(unwanted.length === 0, `the tarball holds no tests, benches, CI files or TypeScript source${unwanted.length ? `: ${unwanted.slice(0, 5).join(', ')}` : ''}`);

// ---- consumer projects ----------------------------------------------------------------------------------
const GLOBALS_SCRIPT = `/// <reference types="podets/globals" />
// A podets script that imports nothing: the cmdlets and $WebEvent are globals under \`podets serve\`.
AddPodeRoute({ Method: 'Get', Path: '/sse', ScriptBlock: () => {
  ConvertToPodeSseConnection({ Name: 'Events', Group: 'all' });
} });

AddPodeRoute({ Method: 'Post', Path: '/message', ScriptBlock: () => {
  SendPodeSseEvent($WebEvent.Data, { Name: 'Events', EventType: 'message' });
  WritePodeJsonResponse({ Value: { sent: true, path: $WebEvent.Path } });
} });

AddPodeTimer({ Name: 'clock', Interval: 5, ScriptBlock: () => {
  pode\`Send-PodeSseEvent -Name Events -EventType time -Data \${new Date().toISOString()}\`;
} });
`;
const IMPORT_SCRIPT = `import { AddPodeRoute, ConvertToPodeSseConnection, SendPodeSseEvent, WritePodeJsonResponse, pode } from 'podets';
import type { WebEvent } from 'podets';

AddPodeRoute({ Method: 'Get', Path: '/sse', ScriptBlock: () => {
  ConvertToPodeSseConnection({ Name: 'Events', Group: 'all' });
} });

AddPodeRoute({ Method: 'Post', Path: '/message', ScriptBlock: () => {
  SendPodeSseEvent('hello', { Name: 'Events', EventType: 'message' });
  WritePodeJsonResponse({ Value: { sent: true } });
} });

export function describe(event: WebEvent): string {
  return \`\${event.Method} \${event.Path}\`;
}
pode\`Write-PodeHost 'import-style script loaded'\`;
`;
// The embedding API: podets inside the project's own node:http server. Type-checked as .ts, run as .mjs.
const EMBED_BODY = `const pode = await createPodeServer(() => {
  AddPodeRoute({ Method: 'Get', Path: '/sse', ScriptBlock: () => ConvertToPodeSseConnection({ Name: 'Events' }) });
}, { sseHistory: 10 });
const server = http.createServer(pode.handler);
server.listen(0, '127.0.0.1', () => console.log(\`Listening on http://127.0.0.1:\${(server.address() as AddressInfo).port}/\`));
pode.run(() => SendPodeSseEvent({ Name: 'Events', Data: 'none yet' }));
process.on('SIGTERM', () => void pode.close().then(() => server.close()));
`;
const EMBED_TS = `import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddPodeRoute, ConvertToPodeSseConnection, createPodeServer, SendPodeSseEvent } from 'podets';
${EMBED_BODY}`;
const EMBED_MJS = `import http from 'node:http';
import { AddPodeRoute, ConvertToPodeSseConnection, createPodeServer, SendPodeSseEvent } from 'podets';
${EMBED_BODY.replace(' as AddressInfo', '')}`;
// TypeScript's own CommonJS spelling: what \`verbatimModuleSyntax\` (on in tsc --init) asks of a CommonJS file.
const REQUIRE_SCRIPT = `import podets = require('podets');

podets.AddPodeRoute({ Method: 'Get', Path: '/sse', ScriptBlock: () => {
  podets.ConvertToPodeSseConnection({ Name: 'Events', Group: 'all' });
} });
`;
const STRICT = {
  compilerOptions: {
    module: 'nodenext',
    target: 'es2022',
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noImplicitOverride: true,
    noImplicitReturns: true,
    noPropertyAccessFromIndexSignature: true,
    types: [],
  },
};

interface Project {
  kind: 'module' | 'commonjs';
  /** Scripts type-checked with tsc --init's defaults, and with the strict config. */
  defaults: string[];
  strict: string[];
  /** Scripts served. */
  serve: string[];
}
const projects: Project[] = [
  { kind: 'module', defaults: ['server.ts', 'imported.ts', 'embedded.ts'], strict: ['server.ts', 'imported.ts', 'embedded.ts'], serve: ['server.ts', 'imported.ts'] },
  // `import … from` in a CommonJS .ts file is refused by tsc --init's verbatimModuleSyntax (TS1295, TypeScript's
  // rule, not podets'): there it is checked with the strict config, and the require form with both.
  { kind: 'commonjs', defaults: ['server.ts', 'required.ts'], strict: ['server.ts', 'imported.ts', 'required.ts'], serve: ['server.ts', 'imported.ts', 'required.ts'] },
];

async function serveAndConnect(cwd: string, script: string, command = ['npx', 'podets', 'serve', script, '--port', '0']): Promise<void> {
  const what = `${relative(work, cwd)}: ${command.join(' ')} answers an SSE request with event: pode.open`;
  console.log(`\n$ (${where(cwd)}) ${command.join(' ')}`);
  // Its own process group: npx does not forward SIGTERM to podets, so the group is signalled.
  const child = spawn(command[0]!, command.slice(1), { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no Listening line within 60 s')), 60_000);
      const look = () => {
        const m = /^Listening on (\S+)$/m.exec(output);
        if (m) (clearTimeout(timer), resolve(m[1]!));
      };
      child.stdout.on('data', look);
      void exited.then((code) => (clearTimeout(timer), reject(new Error(`exited (${code}) before listening`))));
    });
    const frame = await new Promise<string>((resolve, reject) => {
      const req = get(`${url}sse`, { headers: { Accept: 'text/event-stream' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
          const end = body.indexOf('\n\n');
          if (end >= 0) (resolve(`HTTP ${res.statusCode} ${res.headers['content-type']}\n${body.slice(0, end)}`), req.destroy());
        });
        res.on('end', () => reject(new Error(`the stream ended: HTTP ${res.statusCode}\n${body}`)));
      });
      req.on('error', reject);
      req.setTimeout(20_000, () => req.destroy(new Error('no SSE frame within 20 s')));
    });
    console.log(indent(frame));
    check(/^event: pode\.open$/m.test(frame), what);
  } catch (err) {
    check(false, `${what}: ${(err as Error).message}`);
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
    await exited;
    console.log(indent(output));
  }
}

try {
  for (const project of projects) {
    const dir = join(work, project.kind === 'module' ? 'esm-project' : 'commonjs-project');
    console.log(`\n== ${project.kind} consumer project`);
    execFileSync('mkdir', ['-p', dir]);
    run(dir, 'npm', ['init', '-y'], { quiet: true });
    if (project.kind === 'module') run(dir, 'npm', ['pkg', 'set', 'type=module']);
    const type = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: string }).type;
    check(type === project.kind, `package.json says "type": "${type}"`);
    run(dir, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, TYPESCRIPT]);
    run(dir, 'npx', ['tsc', '--init']);
    writeFileSync(join(dir, 'server.ts'), GLOBALS_SCRIPT);
    writeFileSync(join(dir, 'imported.ts'), IMPORT_SCRIPT);
    if (project.kind === 'commonjs') writeFileSync(join(dir, 'required.ts'), REQUIRE_SCRIPT);
    else {
      writeFileSync(join(dir, 'embedded.ts'), EMBED_TS);
      writeFileSync(join(dir, 'embedded.mjs'), EMBED_MJS);
    }
    writeFileSync(join(dir, 'tsconfig.defaults.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: true }, files: project.defaults }, null, 2));
    writeFileSync(join(dir, 'tsconfig.strict.json'), JSON.stringify({ ...STRICT, files: project.strict }, null, 2));
    console.log(`    tsconfig.strict.json: ${JSON.stringify(STRICT.compilerOptions)}`);
    let before = failures.length;
    run(dir, 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.defaults.json'], { fatal: false });
    check(failures.length === before, `tsc --noEmit clean with tsc --init's defaults: ${project.defaults.join(', ')}`);
    before = failures.length;
    run(dir, 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.strict.json'], { fatal: false });
    check(failures.length === before, `tsc --noEmit clean with the strict config: ${project.strict.join(', ')}`);
    check(dtsNamingTs(join(dir, 'node_modules/podets/dist')).length === 0, 'no installed declaration imports a .ts file');
    for (const script of project.serve) await serveAndConnect(dir, script);
    if (project.kind === 'module') await serveAndConnect(dir, 'embedded.mjs', ['node', 'embedded.mjs']);
    if (project.kind === 'module') {
      const list = run(dir, 'npx', ['podets', 'help'], { fatal: false, quiet: true });
      console.log(indent(list.split('\n').slice(0, 6).join('\n') + '\n…'));
      check(/ConvertTo-PodeSseConnection/.test(list), 'npx podets help lists the cmdlets');
      const page = run(dir, 'npx', ['podets', 'help', 'ConvertTo-PodeSseConnection'], { fatal: false, quiet: true });
      console.log(indent(page.split('\n').slice(0, 8).join('\n') + '\n…'));
      check(/^SYNOPSIS$/m.test(page) && /^ {4}ConvertTo-PodeSseConnection$/m.test(page), 'npx podets help ConvertTo-PodeSseConnection prints the page');
    }
  }
} catch (err) {
  failures.push((err as Error).message);
}

function dtsNamingTs(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...dtsNamingTs(path));
    else if (name.endsWith('.d.ts') && /from\s+['"]\.{1,2}\/[^'"]*\.ts['"]/.test(readFileSync(path, 'utf8'))) found.push(path);
  }
  return found;
}

if (failures.length) {
  console.log(`\npackage check FAILED (${work} kept):\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
} else {
  console.log('\npackage check passed');
  rmSync(work, { recursive: true, force: true });
}
