// Request data on the terminal, through the real CLI: control characters a client sends (ESC sequences,
// CR/LF, C1 controls, bidi overrides) are printed escaped in every line, ordinary Unicode as is; a client's
// bad request is one warning line without a stack, a server fault keeps its stack.
import { expect } from 'chai';
import { fixtureScript, start, type ServedScript } from '../../helpers/serve.ts';
import { rawExchange } from '../http/helpers.ts';

// Any raw control character (C0 but none allowed, DEL, C1) or bidi control in a printed line.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('podets serve: request data in log lines (end to end)', function () {
  this.timeout(20_000);
  let served: ServedScript;
  let port: number;

  before(async () => {
    served = await start(fixtureScript('untrusted-logging.ts'));
    port = Number(new URL(served.url).port);
  });
  after(async () => {
    expect(await served.stop()).to.equal(0);
  });

  const send = (head: string, body = '') => rawExchange(port, Buffer.from(`${head}\r\nHost: x\r\nConnection: close\r\n\r\n${body}`, 'latin1'), { end: false });
  const allLines = () => [...served.stdout, ...served.stderr];

  it('escapes a path and headers in the request log line, keeping Unicode readable', async () => {
    // %1b[2J clears a screen, %0d%0a would forge a line, %e2%80%ae reverses text. node refuses C0
    // controls in header values, but bytes 0x80-0xff arrive as U+0080-U+00FF: 0x9b is a C1 CSI, 0x9d an OSC.
    const raw = await send('GET /ok/%1b[2J%0d%0aFAKE%e2%80%aecaf%c3%a9 HTTP/1.1\r\nUser-Agent: evil\x9b31m\x85agent\r\nReferer: r\x9d0;title\x9c');
    expect(raw.startsWith('HTTP/1.1 404 Not Found\r\n')).to.equal(true);
    const line = await served.waitForLine('stdout', /"GET \/ok\//);
    expect(line).to.include('"GET /ok/\\e[2J\\r\\nFAKE\\u{202e}café HTTP/1.1" 404');
    expect(line).to.include('"r\\x9d0;title\\x9c" "evil\\x9b31m\\x85agent"');
    expect(line).not.to.match(RAW_CONTROL);
  });

  it('logs a bad JSON body as one warning without a stack, its quoted text escaped', async () => {
    const body = '{"a":"\x1b[31mred\x1b[0m\r\nWARNING: forged"';
    const raw = await send(`POST /data HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}`, body);
    expect(raw.startsWith('HTTP/1.1 400 Bad Request\r\n')).to.equal(true);
    const line = await served.waitForLine('stderr', /^WARNING: POST \/data: 400 /);
    expect(line).to.match(/^WARNING: POST \/data: 400 The request body is not valid JSON: /);
    expect(line).not.to.match(RAW_CONTROL);
    expect(served.stderr.filter((l) => l.startsWith('WARNING: forged'))).to.deep.equal([]);
    const at = served.stderr.indexOf(line);
    expect(served.stderr[at + 1] ?? '', 'no stack after the warning').not.to.match(/^\s+at /);
  });

  it('logs SSE refusals (Accept, X-PODE-SSE-CLIENT-ID) as warnings, escaped', async () => {
    const accept = await send('GET /events HTTP/1.1\r\nAccept: text/html\x9b8m');
    expect(accept.startsWith('HTTP/1.1 406 Not Acceptable\r\n')).to.equal(true);
    const refused = await served.waitForLine('stderr', /^WARNING: GET \/events: 406 /);
    expect(refused).to.include("(got 'text/html\\x9b8m')");

    // An id and Name no connection has: the 404 names both, as Pode's listener does.
    const id = await send('GET /ok HTTP/1.1\r\nX-PODE-SSE-CLIENT-ID: s:id\x9b2J\x85\r\nX-PODE-SSE-NAME: n\x9d0;t\x9c');
    expect(id.startsWith('HTTP/1.1 404 Not Found\r\n')).to.equal(true);
    const invalid = await served.waitForLine('stderr', /^WARNING: GET \/ok: 404 /);
    expect(invalid).to.include('Name: n\\x9d0;t\\x9c, Group: , ClientId: s:id\\x9b2J\\x85');
    for (const line of [refused, invalid]) {
      expect(line).not.to.match(RAW_CONTROL);
      expect(served.stderr[served.stderr.indexOf(line) + 1] ?? '').not.to.match(/^\s+at /);
    }
  });

  it('keeps the stack of a server fault, its message escaped on its own line', async () => {
    const raw = await send('GET /lookup?name=%1b[2J%0aERROR:%20forged HTTP/1.1');
    expect(raw.startsWith('HTTP/1.1 500 Internal Server Error\r\n')).to.equal(true);
    const line = await served.waitForLine('stderr', /^ERROR: GET \/lookup: /);
    expect(line).to.equal('ERROR: GET /lookup: Error: no item named \\e[2J\\nERROR: forged');
    const at = served.stderr.indexOf(line);
    expect(served.stderr[at + 1]).to.match(/^ {4}at .*untrusted-logging\.ts:\d+:\d+\)?$/);
    expect(served.stderr.filter((l) => l.startsWith('ERROR: forged'))).to.deep.equal([]);
  });

  it('prints no raw control character anywhere', () => {
    expect(allLines().filter((l) => RAW_CONTROL.test(l))).to.deep.equal([]);
  });
});
