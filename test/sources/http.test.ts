import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FETCH_DEFAULTS,
  FetchError,
  type FetchPolicy,
  isBlockedAddress,
  safeFetch,
} from '../../src/sources/http.ts';

// Every request goes to servers on 127.0.0.1 started here; nothing leaves the machine.

const MiB = 1024 * 1024;
const HUGE = 20 * MiB;
const PLAIN = 'سلام، hello';

interface StreamStats {
  written: number;
  finished: boolean;
  /** Resolves when the server's response closes, finished or not. */
  closed: Promise<void>;
}

let server: http.Server;
let other: http.Server;
let base = '';
let port = 0;
let otherPort = 0;
let otherHits = 0;
let lastHeaders: http.IncomingHttpHeaders = {};
let bomb: Buffer;
let declaredClosed: Promise<void> | undefined;
const streams = new Map<string, StreamStats>();

// Writes `total` bytes honouring backpressure, and stops when the client goes away.
function streamZeros(res: http.ServerResponse, total: number, key: string): void {
  const stats: StreamStats = {
    written: 0,
    finished: false,
    closed: once(res, 'close').then(() => undefined),
  };
  streams.set(key, stats);
  const chunk = Buffer.alloc(64 * 1024);
  void (async () => {
    while (stats.written < total) {
      if (res.destroyed) return;
      const ok = res.write(chunk);
      stats.written += chunk.length;
      if (!ok) await Promise.race([once(res, 'drain'), stats.closed]);
    }
    res.end();
    stats.finished = true;
  })();
}

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', base);
  lastHeaders = req.headers;
  const path = url.pathname;

  if (path === '/plain' || path === '/echo-headers') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(PLAIN);
  } else if (path === '/gzip') {
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/html' });
    res.end(zlib.gzipSync(Buffer.from(PLAIN)));
  } else if (path === '/br') {
    res.writeHead(200, { 'content-encoding': 'br' });
    res.end(zlib.brotliCompressSync(Buffer.from(PLAIN)));
  } else if (path === '/deflate') {
    res.writeHead(200, { 'content-encoding': 'deflate' });
    res.end(zlib.deflateSync(Buffer.from(PLAIN)));
  } else if (path === '/gzip-random') {
    // Random bytes do not compress: the gzip stream is a little larger than what it decodes to.
    res.writeHead(200, { 'content-encoding': 'gzip' });
    res.end(zlib.gzipSync(randomBytes(Number(url.searchParams.get('n')))));
  } else if (path === '/corrupt-gzip') {
    res.writeHead(200, { 'content-encoding': 'gzip' });
    res.end('this is not gzip at all');
  } else if (path === '/compress') {
    res.writeHead(200, { 'content-encoding': 'compress' });
    res.end('x');
  } else if (path === '/etag') {
    const etag = '"v1"';
    const lastModified = 'Wed, 01 Jan 2025 00:00:00 GMT';
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag });
      res.end();
    } else if (req.headers['if-modified-since'] === lastModified) {
      res.writeHead(304);
      res.end();
    } else {
      res.writeHead(200, { etag, 'last-modified': lastModified });
      res.end('feed v1');
    }
  } else if (path === '/always-304') {
    res.writeHead(304);
    res.end();
  } else if (path === '/sized') {
    // Exactly n bytes, to test the cap's boundary.
    const n = Number(url.searchParams.get('n'));
    res.writeHead(200);
    res.end(Buffer.alloc(n, 0x61));
  } else if (path === '/huge') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    streamZeros(res, HUGE, 'huge');
  } else if (path === '/declared-huge') {
    // Announces 20 MB but sends one byte and waits: only a check on the header ends this early.
    res.writeHead(200, { 'content-length': String(HUGE) });
    res.write('x');
    declaredClosed = once(res, 'close').then(() => undefined);
  } else if (path === '/bomb') {
    res.writeHead(200, { 'content-encoding': 'gzip' });
    res.end(bomb);
  } else if (path === '/truncated') {
    res.writeHead(200, { 'content-length': '100' });
    res.write('only ten b');
    setTimeout(() => res.destroy(), 20);
  } else if (path === '/slow-headers') {
    // Never answers; the client's deadline has to end it.
  } else if (path === '/slow-body') {
    res.writeHead(200);
    res.write('first bytes, then nothing');
  } else if (path.startsWith('/chain/')) {
    const n = Number(path.slice('/chain/'.length));
    // Mix the Location forms: root-relative, path-relative, absolute.
    const location = n >= 3 ? `/chain/${n - 1}` : n === 2 ? '1' : `${base}/plain`;
    res.writeHead(n % 2 === 0 ? 301 : 307, { location });
    res.end();
  } else if (path === '/loop') {
    res.writeHead(302, { location: '/loop' });
    res.end();
  } else if (path === '/to') {
    res.writeHead(302, { location: url.searchParams.get('u') ?? '/' });
    res.end();
  } else if (path === '/redirect-no-location') {
    res.writeHead(302);
    res.end();
  } else {
    res.writeHead(404);
    res.end('not found');
  }
}

async function listen(s: http.Server): Promise<number> {
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  return (s.address() as AddressInfo).port;
}

beforeAll(async () => {
  // 64 MiB of zeros gzips to about 64 KiB.
  bomb = zlib.gzipSync(Buffer.alloc(64 * MiB));
  server = http.createServer(handle);
  port = await listen(server);
  base = `http://127.0.0.1:${port}`;
  other = http.createServer((_req, res) => {
    otherHits++;
    res.end('other');
  });
  otherPort = await listen(other);
});

afterAll(async () => {
  for (const s of [server, other]) {
    s.closeAllConnections();
    s.close();
  }
});

beforeEach(() => {
  otherHits = 0;
});

const open: FetchPolicy = {
  userAgent: 'newsbot-test/0.1',
  ...FETCH_DEFAULTS,
  allowPrivate: true,
};

async function fetchError(promise: Promise<unknown>): Promise<FetchError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof FetchError) return err;
    throw err;
  }
  throw new Error('expected a FetchError, got a result');
}

const text = (body: Uint8Array) => new TextDecoder().decode(body);

describe('isBlockedAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.0.0.1', true],
    ['172.16.5.4', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['255.255.255.255', true],
    ['224.0.0.1', true],
    ['192.0.2.1', true],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fe80::1%eth0', true],
    ['fc00::1', true],
    ['fd00:ec2::254', true],
    ['ff02::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::127.0.0.1', true],
    ['2002:7f00:1::', true], // 6to4 wrapping 127.0.0.1
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', true], // Teredo
    ['64:ff9b::7f00:1', true], // NAT64 wrapping 127.0.0.1
    ['2001:db8::1', true],
    ['[::1]', true],
    ['8.8.8.8', false],
    ['1.1.1.1', false],
    ['::ffff:8.8.8.8', false],
    ['2001:4860:4860::8888', false],
    ['[2001:4860:4860::8888]', false],
  ])('%s → blocked %s', (ip, expected) => {
    expect(isBlockedAddress(ip)).toBe(expected);
  });

  it.each([
    '',
    'localhost',
    'example.com',
    '2130706433',
    '0x7f.1',
    '0177.0.0.1',
    '127.1',
    '1.2.3.4.5',
    '::ffff:999.0.0.1',
  ])('refuses what is not a canonical IP address: %j', (input) => {
    expect(isBlockedAddress(input)).toBe(true);
  });
});

describe('safeFetch: bodies', () => {
  it('fetches a plain 200 with its metadata and sends the expected headers', async () => {
    const result = await safeFetch(`${base}/echo-headers`, open);
    expect(result.status).toBe(200);
    expect(result.url).toBe(`${base}/echo-headers`);
    expect(result.contentType).toBe('text/plain; charset=utf-8');
    expect(result.etag).toBeUndefined();
    expect(result.downgraded).toBeUndefined();
    expect(text(result.body)).toBe(PLAIN);
    expect(lastHeaders['user-agent']).toBe('newsbot-test/0.1');
    expect(lastHeaders['accept-encoding']).toBe('gzip, deflate, br');
    expect(lastHeaders.accept).toBe('*/*');
    expect(lastHeaders['if-none-match']).toBeUndefined();
  });

  it('sends the Accept header the caller asks for', async () => {
    await safeFetch(`${base}/echo-headers`, { ...open, accept: 'application/rss+xml' });
    expect(lastHeaders.accept).toBe('application/rss+xml');
  });

  it.each(['gzip', 'br', 'deflate'])('decompresses a %s body', async (encoding) => {
    const result = await safeFetch(`${base}/${encoding}`, open);
    expect(text(result.body)).toBe(PLAIN);
  });

  it('reports a corrupt gzip body and an unknown encoding as network errors', async () => {
    const corrupt = await fetchError(safeFetch(`${base}/corrupt-gzip`, open));
    expect(corrupt.code).toBe('network');
    expect(corrupt.message).toContain(`127.0.0.1:${port}`);
    const unknown = await fetchError(safeFetch(`${base}/compress`, open));
    expect(unknown.code).toBe('network');
  });

  it('returns 304 with an empty body when the ETag matches', async () => {
    const first = await safeFetch(`${base}/etag`, open);
    expect(first.status).toBe(200);
    expect(first.etag).toBe('"v1"');
    expect(text(first.body)).toBe('feed v1');

    const second = await safeFetch(`${base}/etag`, open, { etag: first.etag });
    expect(lastHeaders['if-none-match']).toBe('"v1"');
    expect(second.status).toBe(304);
    expect(second.body.length).toBe(0);
    expect(second.etag).toBe('"v1"');
  });

  it('returns 304 for a matching Last-Modified and keeps the validator', async () => {
    const first = await safeFetch(`${base}/etag`, open);
    const lastModified = first.lastModified;
    expect(lastModified).toBe('Wed, 01 Jan 2025 00:00:00 GMT');
    const second = await safeFetch(`${base}/etag`, open, { lastModified });
    expect(lastHeaders['if-modified-since']).toBe(lastModified);
    expect(second.status).toBe(304);
    expect(second.lastModified).toBe(lastModified);
  });

  it('treats a 304 to an unconditional request as an HTTP error', async () => {
    const err = await fetchError(safeFetch(`${base}/always-304`, open));
    expect(err.code).toBe('http-status');
    expect(err.status).toBe(304);
  });

  it('fails a 404 with the status and the host in the message', async () => {
    const err = await fetchError(safeFetch(`${base}/missing`, open));
    expect(err).toBeInstanceOf(FetchError);
    expect(err.code).toBe('http-status');
    expect(err.status).toBe(404);
    expect(err.message).toBe(`HTTP 404 from 127.0.0.1:${port}`);
  });

  it('accepts a body of exactly maxBytes and refuses one byte more', async () => {
    const policy = { ...open, maxBytes: 1000 };
    const ok = await safeFetch(`${base}/sized?n=1000`, policy);
    expect(ok.body.length).toBe(1000);
    const err = await fetchError(safeFetch(`${base}/sized?n=1001`, policy));
    expect(err.code).toBe('too-large');
  });
});

describe('safeFetch: limits', () => {
  it('stops a 20 MB streamed body at the cap and hangs up early', async () => {
    const err = await fetchError(safeFetch(`${base}/huge`, { ...open, maxBytes: MiB }));
    expect(err.code).toBe('too-large');
    const stats = streams.get('huge');
    expect(stats).toBeDefined();
    await stats?.closed;
    // The server saw the connection go away before it could send everything.
    expect(stats?.finished).toBe(false);
    expect(stats?.written).toBeLessThan(HUGE);
  });

  it('refuses a Content-Length above the cap before reading the body', async () => {
    // Were the body read, the stalled server would make this a timeout instead.
    const policy = { ...open, maxBytes: MiB, timeoutMs: 10_000 };
    const err = await fetchError(safeFetch(`${base}/declared-huge`, policy));
    expect(err.code).toBe('too-large');
    expect(declaredClosed).toBeDefined();
    await declaredClosed; // the client hung up
  });

  it('caps the compressed bytes too', async () => {
    const policy = { ...open, maxBytes: 1000 };
    const small = await safeFetch(`${base}/gzip-random?n=900`, policy);
    expect(small.body.length).toBe(900);
    // About 1010 bytes on the wire for 990 decoded: the wire count trips the cap.
    const err = await fetchError(safeFetch(`${base}/gzip-random?n=990`, policy));
    expect(err.code).toBe('too-large');
  });

  it('stops a gzip bomb at the decoded cap', async () => {
    expect(bomb.length).toBeLessThan(MiB); // the compressed bytes pass the cap...
    const err = await fetchError(safeFetch(`${base}/bomb`, { ...open, maxBytes: MiB }));
    expect(err.code).toBe('too-large'); // ...the decoded ones do not
    expect(err.message).toContain(`127.0.0.1:${port}`);
  });

  it('times out a server that never sends headers', async () => {
    const err = await fetchError(safeFetch(`${base}/slow-headers`, { ...open, timeoutMs: 200 }));
    expect(err.code).toBe('timeout');
    expect(err.message).toBe(`timed out fetching 127.0.0.1:${port}`);
  });

  it('times out a server that stalls in the middle of the body', async () => {
    const err = await fetchError(safeFetch(`${base}/slow-body`, { ...open, timeoutMs: 200 }));
    expect(err.code).toBe('timeout');
  });

  it('reports a body cut short as a network error', async () => {
    const err = await fetchError(safeFetch(`${base}/truncated`, open));
    expect(err.code).toBe('network');
  });

  it('reports a refused connection as a network error', async () => {
    const closed = http.createServer();
    const closedPort = await listen(closed);
    closed.close();
    await once(closed, 'close');
    const err = await fetchError(safeFetch(`http://127.0.0.1:${closedPort}/`, open));
    expect(err.code).toBe('network');
    expect(err.message).toContain(`127.0.0.1:${closedPort}`);
  });
});

describe('safeFetch: redirects', () => {
  it('follows a chain of relative and absolute redirects', async () => {
    const result = await safeFetch(`${base}/chain/3`, open);
    expect(result.status).toBe(200);
    expect(result.url).toBe(`${base}/plain`);
    expect(text(result.body)).toBe(PLAIN);
  });

  it('allows exactly maxRedirects hops', async () => {
    const result = await safeFetch(`${base}/chain/3`, { ...open, maxRedirects: 3 });
    expect(result.url).toBe(`${base}/plain`);
  });

  it('refuses more than maxRedirects hops, and a redirect loop', async () => {
    const chain = await fetchError(safeFetch(`${base}/chain/3`, { ...open, maxRedirects: 2 }));
    expect(chain.code).toBe('too-many-redirects');
    const loop = await fetchError(safeFetch(`${base}/loop`, open));
    expect(loop.code).toBe('too-many-redirects');
  });

  it('treats a redirect without Location as an HTTP error', async () => {
    const err = await fetchError(safeFetch(`${base}/redirect-no-location`, open));
    expect(err.code).toBe('http-status');
    expect(err.status).toBe(302);
  });

  it('refuses a redirect to a bad Location or a non-http scheme', async () => {
    const bad = await fetchError(
      safeFetch(`${base}/to?u=${encodeURIComponent('http://[x')}`, open),
    );
    expect(bad.code).toBe('bad-url');
    const file = await fetchError(safeFetch(`${base}/to?u=file:///etc/passwd`, open));
    expect(file.code).toBe('bad-url');
  });
});

describe('safeFetch: SSRF guard', () => {
  // The first hop is allowed by host:port; every later hop is checked on its own.
  const guarded = (): FetchPolicy => ({
    userAgent: 'newsbot-test/0.1',
    ...FETCH_DEFAULTS,
    allowHosts: [`127.0.0.1:${port}`],
  });
  const redirectTo = (target: string) => `${base}/to?u=${encodeURIComponent(target)}`;

  it('lets an allowed host through (so the refusals below are the per-hop check)', async () => {
    const result = await safeFetch(`${base}/plain`, guarded());
    expect(text(result.body)).toBe(PLAIN);
  });

  it('follows the same redirect to a private address when allowPrivate is set', async () => {
    const result = await safeFetch(redirectTo(`http://127.0.0.1:${otherPort}/`), open);
    expect(text(result.body)).toBe('other');
    expect(otherHits).toBe(1);
  });

  it.each([
    ['127.0.0.1', () => `http://127.0.0.1:${otherPort}/`],
    ['[::1]', () => `http://[::1]:${otherPort}/`],
    ['localhost', () => `http://localhost:${otherPort}/`],
    ['0x7f.1', () => `http://0x7f.1:${otherPort}/`],
    ['[::ffff:127.0.0.1]', () => `http://[::ffff:127.0.0.1]:${otherPort}/`],
  ])('refuses a redirect to %s', async (_name, target) => {
    const err = await fetchError(safeFetch(redirectTo(target()), guarded()));
    expect(err.code).toBe('blocked-address');
    expect(otherHits).toBe(0);
  });

  it('refuses a first hop to localhost through the DNS lookup', async () => {
    const err = await fetchError(
      safeFetch(`http://localhost:${otherPort}/`, { ...guarded(), allowHosts: [] }),
    );
    expect(err.code).toBe('blocked-address');
    expect(err.message).toMatch(/^localhost:\d+ resolves to blocked address /);
    expect(otherHits).toBe(0);
  });

  it('allows a hostname listed without a port', async () => {
    const result = await safeFetch(`http://localhost:${otherPort}/`, {
      ...guarded(),
      allowHosts: ['localhost'],
    });
    expect(text(result.body)).toBe('other');
  });

  it('sees through numeric IPv4 spellings, which the URL parser normalises', async () => {
    for (const spelling of ['2130706433', '0x7f.1', '0177.0.0.1', '127.1', '0x7f000001']) {
      expect(new URL(`http://${spelling}/`).hostname).toBe('127.0.0.1');
      const err = await fetchError(safeFetch(`http://${spelling}:${otherPort}/`, guarded()));
      expect(err.code).toBe('blocked-address');
    }
    expect(new URL('http://[::ffff:127.0.0.1]/').hostname).toBe('[::ffff:7f00:1]');
    for (const literal of [
      '[::ffff:127.0.0.1]',
      '[::1]',
      '[::127.0.0.1]',
      '[fe80::1]',
      '0.0.0.0',
    ]) {
      const err = await fetchError(safeFetch(`http://${literal}:${otherPort}/`, guarded()));
      expect(err.code).toBe('blocked-address');
    }
    expect(otherHits).toBe(0);
  });

  it.each([
    'file:///etc/passwd',
    'ftp://example.com/feed.xml',
    'javascript:alert(1)',
    'data:text/html,hi',
    'not a url',
    '',
  ])('refuses %j as a bad URL', async (url) => {
    const err = await fetchError(safeFetch(url, guarded()));
    expect(err.code).toBe('bad-url');
  });

  it('refuses credentials in the URL without repeating them', async () => {
    const err = await fetchError(
      safeFetch(`http://user:s3cret-token@127.0.0.1:${port}/plain`, open),
    );
    expect(err.code).toBe('bad-url');
    expect(err.message).not.toContain('s3cret');
  });

  it('refuses an overlong URL', async () => {
    const err = await fetchError(safeFetch(`${base}/${'a'.repeat(10_000)}`, open));
    expect(err.code).toBe('bad-url');
  });
});
