// bench:http's HTTP/2 load generator (autocannon speaks HTTP/1.1 only): node:http2 sessions, each keeping
// `streams` GET requests in flight (a new one as soon as one ends) for `seconds`. Prints one JSON line in
// the shape bench/http.ts reads from autocannon: requests/s, total, latency p50/p99 (ms), errors, non-2xx.
//   node --import tsx bench/http/h2-load.ts <url> <seconds> <sessions> <streams per session>
import http2, { type ClientHttp2Session } from 'node:http2';
import { quantile } from '../sse/run.ts';

const [url, seconds, sessionCount, streams] = [process.argv[2]!, ...process.argv.slice(3, 6).map(Number)] as [string, number, number, number];
const { origin, pathname, search } = new URL(url);
const latencies: number[] = [];
let errors = 0;
let non2xx = 0;
let running = 0;
let start = 0;
let end = 0;

function next(session: ClientHttp2Session): void {
  const t0 = performance.now();
  if (t0 >= end) {
    if (--running === 0) finish();
    return;
  }
  let status = 0;
  const req = session.request({ ':path': pathname + search });
  req.on('response', (head) => (status = Number(head[':status'])));
  req.resume(); // the body is read and dropped: 'end' comes once it is all in
  req.on('end', () => {
    latencies.push(performance.now() - t0);
    if (status < 200 || status > 299) non2xx++;
    next(session);
  });
  req.on('error', () => {
    errors++;
    next(session);
  });
  req.end();
}

function finish(): void {
  const elapsed = (performance.now() - start) / 1000;
  for (const s of sessions) s.close();
  latencies.sort((a, b) => a - b);
  const total = latencies.length;
  const latency = { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
  process.stdout.write(JSON.stringify({ requests: { average: total / elapsed, total }, latency, errors, non2xx }) + '\n');
}

// Every session connected (TLS and the h2 preface done) before the clock starts.
const sessions = await Promise.all(
  Array.from({ length: sessionCount }, () => {
    const s = http2.connect(origin, { rejectUnauthorized: false });
    return new Promise<ClientHttp2Session>((done, fail) => s.once('connect', () => done(s)).once('error', fail));
  }),
);
for (const s of sessions) s.on('error', () => errors++);
start = performance.now();
end = start + seconds * 1000;
for (const s of sessions) for (let i = 0; i < streams; i++, running++) next(s);
