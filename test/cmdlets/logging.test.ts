// New-PodeLogTerminalMethod, Enable-PodeRequestLogging and Enable-PodeErrorLogging: what each writes,
// at which level, and what a custom method receives. Colour is covered end to end (test/host/cli/).
import { expect } from 'chai';
import { hostname } from 'node:os';
import { EnablePodeErrorLogging, EnablePodeRequestLogging, NewPodeLogTerminalMethod } from '../../cmdlets/index.ts';
import { PodeError } from '../../host/errors/error.ts';
import { findCmdlet } from '../../host/cmdlet/registry.ts';
import type { RequestLogEntry } from '../../host/http/requestlog.ts';
import { getErrorLog, logException, logFailure, setErrorLog, setQuiet, sharedProcessLogSettings } from '../../host/log.ts';
import { PodeServer, setCurrentServer } from '../../host/runtime/server.ts';
import { captureLogs, type Captured } from '../host/timers/helpers.ts';
import { failure } from '../helpers/failure.ts';

const entry: RequestLogEntry = {
  method: 'GET',
  path: '/users/1',
  status: 200,
  durationMs: 1.2345,
  remoteAddress: '127.0.0.1',
  protocol: 'http',
  httpVersion: '1.1',
  size: 17,
  referrer: undefined,
  userAgent: 'curl/8.5',
  timestamp: new Date(Date.UTC(2024, 0, 15, 10, 0, 0)),
};
const LINE = '127.0.0.1 - - [15/Jan/2024:10:00:00 +0000] "GET /users/1 HTTP/1.1" 200 17 "-" "curl/8.5" 1.23ms';
const RAW = {
  Host: '127.0.0.1',
  RfcUserIdentity: '-',
  User: '-',
  Date: '15/Jan/2024:10:00:00 +0000',
  UtcDate: '2024-01-15T10:00:00.000Z',
  Request: { Method: 'GET', Scheme: 'http', Resource: '/users/1', Protocol: 'HTTP/1.1', Referrer: null, Agent: 'curl/8.5' },
  Response: { StatusCode: 200, Size: 17 },
  DurationMs: 1.23,
};


/** A thrown error with a known first stack frame. */
function boom(message = 'boom'): Error {
  const err = new Error(message);
  err.stack = `Error: ${message}\n    at handler (/srv/server.ts:3:9)\n    at run (/srv/host.ts:10:2)`;
  return err;
}

describe('cmdlets/logging.ts', () => {
  let server: PodeServer;
  let logs: Captured;

  beforeEach(() => {
    // As under `podets serve`: the one server shares the process's log settings, so lines logged outside
    // a request (as these tests log them) see its error log.
    server = new PodeServer({ log: sharedProcessLogSettings() });
    setCurrentServer(server);
    logs = captureLogs('info');
  });
  afterEach(async () => {
    logs.restore();
    setQuiet(false);
    await server.stop();
    setErrorLog(undefined);
    setCurrentServer(undefined);
  });

  it("declares Pode's parameters", () => {
    const shape = (name: string) => findCmdlet(name)!.decl.parameters.map((p) => `${p.name}:${p.type}${p.mandatory ? '!' : ''}${p.pipeline ? '|' : ''}`);
    // As Pode's Logging.ps1 of the version test/fixtures/pode/declarations.ts names (-BatchInfo and
    // -UsernameProperty are declared unsupported; test/cmdlets/unsupported.test.ts).
    expect(shape('New-PodeLogTerminalMethod')).to.deep.equal(['BatchInfo:Hashtable']);
    expect(shape('Enable-PodeRequestLogging')).to.deep.equal(['Method:Hashtable!|', 'UsernameProperty:String', 'Raw:SwitchParameter']);
    expect(shape('Enable-PodeErrorLogging')).to.deep.equal(['Method:Hashtable!|', 'Levels:String[]', 'Raw:SwitchParameter']);
    const levels = findCmdlet('Enable-PodeErrorLogging')!.decl.parameters[1]!;
    expect(levels.validateSet).to.deep.equal(['Error', 'Warning', 'Informational', 'Verbose', 'Debug', '*']);
    expect(levels.default).to.deep.equal(['Error']);
    expect(findCmdlet('New-PodeLogTerminalMethod')!.group).to.equal('Logging');
  });

  it('New-PodeLogTerminalMethod returns a method hashtable, as Pode does', () => {
    const method = NewPodeLogTerminalMethod();
    expect(method.Type).to.equal('Terminal');
    expect(method.ScriptBlock).to.be.a('function');
    expect(method.Arguments).to.deep.equal({});
  });

  describe('Enable-PodeRequestLogging', () => {
    it('is off until enabled', () => {
      expect(server.requestLog).to.equal(undefined);
    });

    it('terminal: one combined-format line per request, at info level', () => {
      EnablePodeRequestLogging.pipe(NewPodeLogTerminalMethod());
      server.requestLog!(entry);
      expect(logs.lines.map((l) => l.level)).to.deep.equal(['info']);
      expect(logs.at('info')).to.deep.equal([LINE]);
    });

    it("terminal -Raw: Pode's request item as one JSON line", () => {
      EnablePodeRequestLogging({ Method: NewPodeLogTerminalMethod(), Raw: true });
      server.requestLog!(entry);
      expect(JSON.parse(logs.at('info')[0]!)).to.deep.equal(RAW);
    });

    it('a custom method gets (item, Arguments, rawItem): the plain line, or the item with -Raw', () => {
      const got: unknown[][] = [];
      const method = { ScriptBlock: (...args: unknown[]) => void got.push(args), Arguments: { File: 'x.log' } };
      EnablePodeRequestLogging(method);
      server.requestLog!(entry);
      expect(got).to.deep.equal([[LINE, { File: 'x.log' }, RAW]]);
      expect(logs.lines, 'nothing on the terminal').to.deep.equal([]);

      const raw = new PodeServer();
      setCurrentServer(raw);
      EnablePodeRequestLogging({ Method: method, Raw: true });
      raw.requestLog!(entry);
      expect(got[1]).to.deep.equal([RAW, { File: 'x.log' }, RAW]);
    });

    it('a custom method that fails is reported, not thrown into the request', async () => {
      EnablePodeRequestLogging({ Method: { ScriptBlock: () => Promise.reject(new Error('disk full')) } });
      server.requestLog!(entry);
      await new Promise((r) => setImmediate(r));
      expect(logs.at('error')[0]).to.match(/^ERROR: Request log method failed: Error: disk full\n\s+at /);
    });

    it("refuses a second call, a method without a ScriptBlock, and a call after the server started", async () => {
      const bad = await failure(() => EnablePodeRequestLogging({ Method: { ScriptBlock: 'not a script' } }));
      expect([bad.ErrorId, bad.message]).to.deep.equal([
        'LoggingMethodRequiresValidScriptBlock,Enable-PodeRequestLogging',
        "The supplied output Method for the 'Request' Logging method requires a valid ScriptBlock.", // Pode's loggingMethodRequiresValidScriptBlockExceptionMessage
      ]);
      EnablePodeRequestLogging(NewPodeLogTerminalMethod());
      const twice = await failure(() => EnablePodeRequestLogging(NewPodeLogTerminalMethod()));
      // Pode's requestLoggingAlreadyEnabledExceptionMessage.
      expect([twice.ErrorId, twice.message]).to.deep.equal(['RequestLoggingAlreadyEnabled,Enable-PodeRequestLogging', 'Request Logging has already been enabled.']);

      const running = new PodeServer({ port: 0 });
      setCurrentServer(running);
      await running.start();
      try {
        const late = await failure(() => EnablePodeRequestLogging(NewPodeLogTerminalMethod()));
        expect(late.ErrorId).to.equal('RequestLoggingAfterStart,Enable-PodeRequestLogging');
      } finally {
        await running.stop();
      }
    });
  });

  describe('Enable-PodeErrorLogging', () => {
    const BLOCK = (level: string, category: string, message: string) => [
      `Level: ${level}`,
      'ThreadId: 0',
      `Server: ${hostname()}`,
      `Category: ${category}`,
      `Message: ${message}`,
      'StackTrace:',
      '    at handler (/srv/server.ts:3:9)',
      '    at run (/srv/host.ts:10:2)',
      '',
    ];
    /** A logged block without its Date line (checked for shape only). */
    const block = (line: string) => {
      const [date, ...rest] = line.split('\n');
      expect(date).to.match(/^Date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      return rest;
    };

    it('without it, errors are still printed: one line with the context and the stack', () => {
      logException('GET /boom', boom());
      expect(logs.at('error')).to.deep.equal(['ERROR: GET /boom: Error: boom\n    at handler (/srv/server.ts:3:9)\n    at run (/srv/host.ts:10:2)']);
    });

    it("terminal: errors become Pode's error item; other levels keep the host's line", () => {
      EnablePodeErrorLogging.pipe(NewPodeLogTerminalMethod());
      logException('GET /boom', boom());
      logFailure('warn', 'GET /x', boom('nope'), 'GET /x: 404 nope');
      expect(logs.lines.map((l) => l.level)).to.deep.equal(['error', 'warn']);
      expect(block(logs.at('error')[0]!)).to.deep.equal(BLOCK('Error', 'Error', 'GET /boom: boom'));
      expect(logs.at('warn')).to.deep.equal(['WARNING: GET /x: 404 nope']);
    });

    it('-Levels: the chosen levels are printed as items even below --log-level; --quiet still keeps only errors', () => {
      logs.restore();
      logs = captureLogs('error');
      EnablePodeErrorLogging({ Method: NewPodeLogTerminalMethod(), Levels: ['Error', 'Warning', 'Debug'] });
      logFailure('warn', 'GET /x', boom('nope'));
      logFailure('debug', 'SSE ping', boom('gone'));
      logFailure('verbose', 'not chosen', boom('hidden'));
      expect(logs.lines.map((l) => l.level)).to.deep.equal(['warn', 'debug']);
      expect(block(logs.at('warn')[0]!)).to.deep.equal(BLOCK('Warning', 'Error', 'GET /x: nope'));
      expect(block(logs.at('debug')[0]!)).to.deep.equal(BLOCK('Debug', 'Error', 'SSE ping: gone'));

      setQuiet(true);
      logFailure('warn', 'GET /y', boom('quiet'));
      logException('GET /z', boom('loud'));
      expect(logs.lines.map((l) => l.level)).to.deep.equal(['warn', 'debug', 'error']);
    });

    it("a PodeError's category is its FullyQualifiedErrorId", () => {
      EnablePodeErrorLogging(NewPodeLogTerminalMethod());
      const err = new PodeError('NamedParameterNotFound', 'Write-PodeJsonResponse', "A parameter cannot be found that matches parameter name 'Vaule'.");
      err.stack = `PodeError: ${err.message}\n    at handler (/srv/server.ts:3:9)\n    at run (/srv/host.ts:10:2)`;
      logException('GET /user', err);
      expect(block(logs.at('error')[0]!)).to.deep.equal(
        BLOCK('Error', 'NamedParameterNotFound,Write-PodeJsonResponse', "GET /user: A parameter cannot be found that matches parameter name 'Vaule'."),
      );
    });

    it('terminal -Raw: the item as one JSON line', () => {
      EnablePodeErrorLogging({ Method: NewPodeLogTerminalMethod(), Raw: true });
      logException('GET /boom', boom());
      const item = JSON.parse(logs.at('error')[0]!);
      expect(item.Date).to.match(/^\d{4}-\d\d-\d\dT/);
      delete item.Date;
      expect(item).to.deep.equal({
        Level: 'Error',
        ThreadId: 0,
        Server: hostname(),
        Category: 'Error',
        Message: 'GET /boom: boom',
        StackTrace: 'at handler (/srv/server.ts:3:9)\nat run (/srv/host.ts:10:2)',
      });
    });

    it("a custom method gets the item, and the host's own line is printed as well", () => {
      const got: unknown[][] = [];
      EnablePodeErrorLogging({ Method: { ScriptBlock: (...args: unknown[]) => void got.push(args) } });
      logException('GET /boom', boom());
      expect(got).to.have.length(1);
      const [text, options, raw] = got[0]!;
      expect(block(text as string)).to.deep.equal(BLOCK('Error', 'Error', 'GET /boom: boom'));
      expect(options).to.deep.equal({});
      expect(raw).to.include({ Level: 'Error', Message: 'GET /boom: boom' });
      expect(logs.at('error')).to.deep.equal(['ERROR: GET /boom: Error: boom\n    at handler (/srv/server.ts:3:9)\n    at run (/srv/host.ts:10:2)']);
    });

    it('refuses a second call and unknown levels; goes away with the server', async () => {
      const level = await failure(() => EnablePodeErrorLogging({ Method: NewPodeLogTerminalMethod(), Levels: ['Error', 'Loud' as 'Error'] }));
      expect(level.ErrorId).to.equal('ParameterArgumentValidationError,Enable-PodeErrorLogging');
      EnablePodeErrorLogging(NewPodeLogTerminalMethod());
      const twice = await failure(() => EnablePodeErrorLogging(NewPodeLogTerminalMethod()));
      // Pode's errorLoggingAlreadyEnabledExceptionMessage.
      expect([twice.ErrorId, twice.message]).to.deep.equal(['ErrorLoggingAlreadyEnabled,Enable-PodeErrorLogging', 'Error Logging has already been enabled.']);
      expect(getErrorLog()).to.not.equal(undefined);
      await server.stop();
      expect(getErrorLog()).to.equal(undefined);
    });
  });
});
