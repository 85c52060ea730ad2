import { expect } from 'chai';
import { formatRequestLog, type RequestLogEntry } from '../../../host/http/requestlog.ts';

const entry: RequestLogEntry = {
  method: 'GET',
  path: '/users/1',
  status: 404,
  durationMs: 1.2345,
  remoteAddress: '127.0.0.1',
  protocol: 'http',
  httpVersion: '1.1',
  size: 17,
  referrer: undefined,
  userAgent: 'curl/8.5',
  timestamp: new Date(Date.UTC(2025, 10, 26, 3, 1, 2)),
};

describe('http/requestlog', () => {
  it('formats a combined-log line with the duration', () => {
    expect(formatRequestLog(entry, false)).to.equal(
      '127.0.0.1 - - [26/Nov/2025:03:01:02 +0000] "GET /users/1 HTTP/1.1" 404 17 "-" "curl/8.5" 1.23ms',
    );
  });

  it('uses - for an unknown size', () => {
    expect(formatRequestLog({ ...entry, size: undefined, userAgent: undefined }, false)).to.include('404 - "-" "-"');
  });

  it('colours the status by class when asked', () => {
    const line = formatRequestLog(entry, true);
    expect(line).to.include('\x1b[33m404\x1b[39m'); // 4xx in yellow
    expect(formatRequestLog({ ...entry, status: 200 }, true)).to.include('\x1b[32m200\x1b[39m');
    expect(formatRequestLog({ ...entry, status: 503 }, true)).to.include('\x1b[31m503\x1b[39m');
    // eslint-disable-next-line no-control-regex
    expect(line.replace(/\x1b\[[0-9;]*m/g, '')).to.equal(formatRequestLog(entry, false));
  });

  it('is plain when NO_COLOR is set', () => {
    const old = process.env['NO_COLOR'];
    process.env['NO_COLOR'] = '1';
    try {
      expect(formatRequestLog(entry)).not.to.include('\x1b[');
    } finally {
      if (old === undefined) delete process.env['NO_COLOR'];
      else process.env['NO_COLOR'] = old;
    }
  });
});
