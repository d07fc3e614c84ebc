import { lookup as dnsLookup } from 'node:dns';
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { MAX_INPUT_BYTES } from '../article/input.ts';
import type { Config } from '../config.ts';
import { CodedError } from '../errors.ts';

// Fetches pages and feeds from the open web. Every URL, redirect and response is hostile until
// checked: the SSRF guard runs on the address actually connected to, on every hop.

export interface FetchPolicy {
  userAgent: string;
  /** Whole request: every hop's connect, headers and body. */
  timeoutMs: number;
  /** Cap on the decoded body, and on the bytes received before decoding. */
  maxBytes: number;
  maxRedirects: number;
  /** Accept header; '*' + '/' + '*' when absent. */
  accept?: string;
  /** Tests only: allow loopback/private targets. */
  allowPrivate?: boolean;
  /** Hostnames (or host:port) allowed even when they resolve to a blocked address. */
  allowHosts?: string[];
}

export const FETCH_DEFAULTS = {
  timeoutMs: 15_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
} as const;

/** Accept header for an article page. */
export const PAGE_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.5';

/** The fetch policy for feeds and pages, from the configuration; `accept` when given. */
export function fetchPolicy(
  config: Pick<
    Config,
    'USER_AGENT' | 'FETCH_TIMEOUT_MS' | 'FETCH_ALLOW_PRIVATE' | 'FETCH_ALLOW_HOSTS'
  >,
  accept?: string,
): FetchPolicy {
  return {
    userAgent: config.USER_AGENT,
    timeoutMs: config.FETCH_TIMEOUT_MS,
    maxBytes: Math.min(FETCH_DEFAULTS.maxBytes, MAX_INPUT_BYTES),
    maxRedirects: FETCH_DEFAULTS.maxRedirects,
    ...(accept !== undefined ? { accept } : {}),
    allowPrivate: config.FETCH_ALLOW_PRIVATE,
    allowHosts: config.FETCH_ALLOW_HOSTS,
  };
}

export interface FetchResult {
  /** Final URL after redirects. */
  url: string;
  /** 2xx, or 304 for a conditional GET that matched. */
  status: number;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  /** Decompressed bytes (empty on 304); decoding the charset is the caller's job. */
  body: Uint8Array;
  /** True when a redirect went from https: to http: (allowed, but worth a log line). */
  downgraded?: boolean;
}

export type FetchErrorCode =
  | 'blocked-address'
  | 'bad-url'
  | 'too-large'
  | 'timeout'
  | 'too-many-redirects'
  | 'http-status'
  | 'network';

export class FetchError extends CodedError<FetchErrorCode> {
  override name = 'FetchError';
  readonly status?: number;

  constructor(code: FetchErrorCode, message: string, status?: number) {
    super(code, message);
    if (status !== undefined) this.status = status;
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_URL_LENGTH = 8192;
// More stacked encodings than this is not something a real server sends.
const MAX_ENCODINGS = 2;

// Cloud metadata endpoints, named even though the ranges around them are blocked already.
const METADATA_ADDRESSES = [ipaddr.parse('169.254.169.254'), ipaddr.parse('fd00:ec2::254')];
// Deprecated IPv4-compatible IPv6 (::a.b.c.d); ipaddr.js calls it unicast, we don't route it.
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');

/**
 * True when a connection to this IP address must be refused: anything ipaddr.js does not class
 * as 'unicast' (loopback, private, link-local, unique-local, CGNAT, 6to4, Teredo, ...), cloud
 * metadata addresses, and anything that is not a plain IP address at all.
 */
export function isBlockedAddress(ip: string): boolean {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  // Only the canonical forms the OS connects to; odd spellings (2130706433, 0x7f.1) are refused.
  if (isIP(text) === 0) return true;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process() unwraps ::ffff:a.b.c.d so the embedded IPv4 address is what gets classified.
    addr = ipaddr.process(text);
  } catch {
    return true;
  }
  if (addr.range() !== 'unicast') return true;
  if (addr.kind() === 'ipv6' && addr.match(IPV4_COMPATIBLE)) return true;
  return METADATA_ADDRESSES.some(
    (m) => m.kind() === addr.kind() && addr.match(m, m.kind() === 'ipv4' ? 32 : 128),
  );
}

/**
 * GET a page or feed with an SSRF guard, manual redirects, a deadline over the whole exchange
 * and a byte cap enforced while reading. Throws FetchError for every failure.
 */
export async function safeFetch(
  url: string,
  policy: FetchPolicy,
  conditional?: { etag?: string; lastModified?: string },
): Promise<FetchResult> {
  let current = parseTarget(url);
  const signal = AbortSignal.timeout(policy.timeoutMs);
  const headers: OutgoingHttpHeaders = {
    'user-agent': policy.userAgent,
    accept: policy.accept ?? '*/*',
    'accept-encoding': 'gzip, deflate, br',
  };
  const isConditional = conditional?.etag !== undefined || conditional?.lastModified !== undefined;
  if (conditional?.etag !== undefined) headers['if-none-match'] = conditional.etag;
  if (conditional?.lastModified !== undefined) {
    headers['if-modified-since'] = conditional.lastModified;
  }
  let downgraded = false;

  for (let redirects = 0; ; redirects++) {
    const host = current.host;
    let res: IncomingMessage;
    try {
      res = await openHop(current, policy, headers, signal);
    } catch (err) {
      throw toFetchError(err, host, signal);
    }
    const status = res.statusCode ?? 0;
    const location = res.headers.location;

    if (REDIRECT_STATUSES.has(status) && location !== undefined) {
      res.destroy();
      if (redirects >= policy.maxRedirects) {
        throw new FetchError(
          'too-many-redirects',
          `more than ${policy.maxRedirects} redirects fetching ${host}`,
        );
      }
      const next = parseTarget(location, current);
      if (current.protocol === 'https:' && next.protocol === 'http:') downgraded = true;
      current = next;
      continue;
    }

    const meta = {
      url: current.href,
      status,
      ...optional('contentType', res.headers['content-type']),
      ...optional('etag', res.headers.etag ?? (status === 304 ? conditional?.etag : undefined)),
      ...optional(
        'lastModified',
        res.headers['last-modified'] ?? (status === 304 ? conditional?.lastModified : undefined),
      ),
      ...(downgraded ? { downgraded } : {}),
    };

    if (status === 304 && isConditional) {
      res.destroy();
      return { ...meta, body: new Uint8Array(0) };
    }
    if (status < 200 || status > 299) {
      res.destroy();
      throw new FetchError('http-status', `HTTP ${status} from ${host}`, status);
    }
    const declared = res.headers['content-length'];
    if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > policy.maxBytes) {
      res.destroy();
      throw tooLarge(host, policy.maxBytes);
    }
    try {
      const body = await readBody(res, host, policy.maxBytes, signal);
      return { ...meta, body };
    } catch (err) {
      throw toFetchError(err, host, signal);
    }
  }
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  const out: { [P in K]?: string } = {};
  if (value !== undefined && value !== '') out[key] = value;
  return out;
}

function parseTarget(input: string, base?: URL): URL {
  // Never echo the input: a hostile or mistaken URL may carry tokens.
  if (input.length > MAX_URL_LENGTH) throw new FetchError('bad-url', 'URL is too long');
  let url: URL;
  try {
    url = new URL(input, base);
  } catch {
    throw new FetchError(
      'bad-url',
      base ? `invalid redirect Location from ${base.host}` : 'invalid URL',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError('bad-url', `unsupported URL scheme ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new FetchError('bad-url', `URL for ${url.hostname} carries credentials`);
  }
  if (url.hostname === '') throw new FetchError('bad-url', 'URL has no host');
  return url;
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

function isHostAllowed(url: URL, allowHosts: readonly string[] | undefined): boolean {
  if (!allowHosts || allowHosts.length === 0) return false;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const names = new Set([
    url.hostname,
    stripBrackets(url.hostname),
    url.host,
    `${url.hostname}:${port}`,
  ]);
  return allowHosts.some((entry) => names.has(entry.trim().toLowerCase()));
}

function blocked(host: string, address: string): FetchError {
  return new FetchError('blocked-address', `${host} resolves to blocked address ${address}`);
}

function tooLarge(host: string, maxBytes: number): FetchError {
  return new FetchError('too-large', `body from ${host} exceeds ${maxBytes} bytes`);
}

// Resolves every address for the name and refuses them all if any one is blocked, so a DNS
// answer mixing public and private addresses (rebinding) cannot slip a private one through.
// The socket then connects only to addresses this function returned.
function createGuardedLookup(host: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) {
        callback(err, []);
        return;
      }
      const bad = addresses.find((a) => isBlockedAddress(a.address));
      const first = addresses[0];
      if (bad !== undefined || first === undefined) {
        callback(blocked(host, bad?.address ?? 'none'), []);
        return;
      }
      if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

function openHop(
  url: URL,
  policy: FetchPolicy,
  headers: OutgoingHttpHeaders,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const hostname = stripBrackets(url.hostname);
  const guarded = policy.allowPrivate !== true && !isHostAllowed(url, policy.allowHosts);
  // A literal IP never reaches the lookup function, so it is checked here.
  if (guarded && isIP(hostname) !== 0 && isBlockedAddress(hostname)) {
    return Promise.reject(blocked(url.host, hostname));
  }
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        protocol: url.protocol,
        hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers,
        // A fresh connection per request: a pooled socket would skip the lookup guard.
        agent: false,
        signal,
        ...(guarded ? { lookup: createGuardedLookup(url.host) } : {}),
      },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

function createDecoders(header: string | undefined, host: string): Transform[] {
  const encodings = (header ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '' && e !== 'identity');
  if (encodings.length > MAX_ENCODINGS) {
    throw new FetchError('network', `too many content encodings from ${host}`);
  }
  // Encodings are listed in the order applied, so they are undone last first.
  return encodings.reverse().map((encoding) => {
    switch (encoding) {
      case 'gzip':
      case 'x-gzip':
        return zlib.createGunzip();
      case 'deflate':
        return zlib.createInflate();
      case 'br':
        return zlib.createBrotliDecompress();
      default:
        throw new FetchError('network', `unsupported content encoding from ${host}`);
    }
  });
}

function createByteLimit(maxBytes: number, host: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(tooLarge(host, maxBytes));
      else callback(null, chunk);
    },
  });
}

// Streams the body through the decoders; the pipeline is torn down (socket included) as soon
// as either the received or the decoded bytes pass the cap, so a gzip bomb stops at maxBytes.
async function readBody(
  res: IncomingMessage,
  host: string,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Uint8Array> {
  let decoders: Transform[];
  try {
    decoders = createDecoders(res.headers['content-encoding'], host);
  } catch (err) {
    res.destroy();
    throw err;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) {
        callback(tooLarge(host, maxBytes));
        return;
      }
      chunks.push(chunk);
      callback();
    },
  });
  await pipeline([res, createByteLimit(maxBytes, host), ...decoders, sink], { signal });
  return Buffer.concat(chunks, size);
}

function toFetchError(err: unknown, host: string, signal: AbortSignal): FetchError {
  if (err instanceof FetchError) return err;
  if (signal.aborted) return new FetchError('timeout', `timed out fetching ${host}`);
  const code =
    err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  const detail = code ?? (err instanceof Error ? err.name : 'unknown error');
  return new FetchError('network', `network error fetching ${host}: ${detail}`);
}

// ---- what a body is: full text takes HTML pages only -----------------------------------------

export type BodyKind = 'html' | 'xml' | 'json' | 'other';

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
// The tags that open an HTML document in the WHATWG sniffing rules (mimesniff §7.1), plus meta
// and link, which often come first in a page without <html> and <head>.
const HTML_FIRST_TAGS = new Set(
  'html head body script iframe h1 div font table a style title b br p meta link'.split(' '),
);
const SNIFF_BYTES = 4096;

/**
 * What a body is, from its first bytes: skips a BOM, whitespace, an XML declaration, comments
 * and processing instructions, then reads the doctype or the first element. An RSS, Atom or RDF
 * feed (whatever its Content-Type says) is 'xml'; `<!doctype html>` or an HTML element is 'html'.
 */
export function sniffBody(body: Uint8Array): BodyKind {
  const head = decodeHead(body.subarray(0, SNIFF_BYTES));
  let i = 0;
  for (;;) {
    while (i < head.length && /\s/.test(head[i] ?? '')) i++;
    if (i >= head.length) return 'other';
    if (head[i] === '{' || head[i] === '[') return 'json';
    if (head[i] !== '<') return 'other';
    if (head.startsWith('<!--', i)) {
      const end = head.indexOf('-->', i + 4);
      if (end === -1) return 'other';
      i = end + 3;
      continue;
    }
    if (head.startsWith('<?', i)) {
      const end = head.indexOf('?>', i + 2);
      if (end === -1) return 'other';
      i = end + 2;
      continue;
    }
    if (head[i + 1] === '!') {
      // <!DOCTYPE html> says it; any other doctype (an RSS 0.91 DTD, SVG) does not.
      if (/^<!doctype\s+html\b/i.test(head.slice(i, i + 20))) return 'html';
      const end = head.indexOf('>', i);
      if (end === -1) return 'other';
      i = end + 1;
      continue;
    }
    const name = /^<([A-Za-z][A-Za-z0-9:-]*)/.exec(head.slice(i, i + 64))?.[1]?.toLowerCase();
    if (name === undefined) return 'other';
    return HTML_FIRST_TAGS.has(name) ? 'html' : 'xml';
  }
}

function decodeHead(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  // Markup is ASCII in every other charset the pages use; a cut multibyte character is harmless.
  return new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes);
}

/**
 * True for an HTML page: a Content-Type of text/html or application/xhtml+xml (or none), and a
 * body that sniffs as HTML. A feed served as text/html, or HTML served as XML, is not one.
 */
export function isHtmlResponse(res: Pick<FetchResult, 'contentType' | 'body'>): boolean {
  const type = (res.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== '' && !HTML_TYPES.has(type)) return false;
  return sniffBody(res.body) === 'html';
}
