/**
 * HTTP behaviour shared by zkts's two HTTP endpoints, the AdminServer and the
 * Prometheus /metrics endpoint. ZooKeeper serves both from an embedded Jetty 9.4
 * servlet container; clients and monitoring tools see its status codes, so the
 * same requests get the same codes here (checked against ZooKeeper 3.8.0's
 * AdminServer): 404 outside the servlet, 405 for POST/PUT/DELETE to a GET-only
 * servlet, 501 for unknown methods, 414/431 past Jetty's 8 KiB request-header
 * limit, 400 for a path that does not decode. Error pages have Jetty's shape,
 * with zkts's own wording.
 *
 * Nothing a client sends can throw out of here: parser errors end in an error
 * reply and a closed socket, and a failing listen() is logged and reported.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';

/** Jetty's HttpConfiguration.requestHeaderSize: request line plus headers. */
export const MAX_REQUEST_HEADER_BYTES = 8192;
/**
 * What Node's parser accepts before failing on its own (431). Larger than Jetty's
 * limit so that requests between the two are answered here, where a long URI
 * (414) can be told from long headers (431).
 */
export const NODE_MAX_HEADER_SIZE = 64 * 1024;

const HTML_ERROR_TYPE = 'text/html;charset=iso-8859-1';

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
  500: 'Server Error',
  501: 'Not Implemented',
};

function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** Sends a complete response. HEAD gets the headers (Content-Length included) and no body. */
export function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  body = '',
): void {
  const bytes = Buffer.from(body, 'utf8');
  const all: Record<string, string | number> = { ...headers, 'Content-Length': bytes.length };
  // An unread request body is dropped with the connection rather than read to its end.
  if (hasBody(req)) all['Connection'] = 'close';
  res.writeHead(status, all);
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

/**
 * Jetty's error page (ErrorHandler), which it writes only for GET, POST and
 * HEAD; other methods get an empty body with the same status.
 */
export function sendErrorPage(req: IncomingMessage, res: ServerResponse, status: number, message: string, uri: string): void {
  const method = req.method ?? '';
  if (method !== 'GET' && method !== 'POST' && method !== 'HEAD') {
    send(req, res, status, {});
    return;
  }
  const reason = REASONS[status] ?? 'Error';
  const msg = htmlEscape(message);
  const page =
    '<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>\n' +
    `<title>Error ${status} ${msg}</title>\n</head>\n<body><h2>HTTP ERROR ${status} ${msg}</h2>\n<table>\n` +
    `<tr><th>URI:</th><td>${htmlEscape(uri)}</td></tr>\n<tr><th>STATUS:</th><td>${status}</td></tr>\n` +
    `<tr><th>MESSAGE:</th><td>${msg}</td></tr>\n</table>\n<hr/>zkts (${htmlEscape(reason)})<hr/>\n\n</body>\n</html>\n`;
  send(req, res, status, { 'Content-Type': HTML_ERROR_TYPE, 'Cache-Control': 'must-revalidate,no-cache,no-store' }, page);
}

/** The raw reply Jetty's parser gives a request it rejects ("Bad Message"); the connection is then closed. */
function badMessageBytes(status: number): string {
  const reason = REASONS[status] ?? 'Bad Request';
  const body = `<h1>Bad Message ${status}</h1><pre>reason: ${reason}</pre>`;
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${HTML_ERROR_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Connection: close\r\n\r\n${body}`
  );
}

/** Jetty's "Bad Message" reply to a request it will not serve; the connection is closed after it. */
export function sendBadMessage(req: IncomingMessage, res: ServerResponse, status: number): void {
  const reason = REASONS[status] ?? 'Bad Request';
  const body = `<h1>Bad Message ${status}</h1><pre>reason: ${reason}</pre>`;
  res.shouldKeepAlive = false;
  res.writeHead(status, { 'Content-Type': HTML_ERROR_TYPE, 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Jetty's request-header limit: a request line longer than it is 414, a header
 * block longer than it is 431. Returns false (having answered) when over.
 */
export function withinHeaderLimit(req: IncomingMessage, res: ServerResponse): boolean {
  const requestLine = (req.method ?? '').length + 1 + (req.url ?? '').length + 1 + 8;
  if (requestLine > MAX_REQUEST_HEADER_BYTES) {
    sendBadMessage(req, res, 414);
    return false;
  }
  let total = requestLine + 2;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) total += (raw[i] as string).length + 2 + (raw[i + 1] as string).length + 2;
  if (total > MAX_REQUEST_HEADER_BYTES) {
    sendBadMessage(req, res, 431);
    return false;
  }
  return true;
}

const REQUEST_LINE_OPEN = Symbol('zkts.requestLineOpen');
type TrackedSocket = Socket & { [REQUEST_LINE_OPEN]?: boolean };

/**
 * Notes whether a connection's first request line is still incomplete, so that
 * a request Node's parser gives up on can be answered 414 (URI too long) rather
 * than 431 (headers too long), as Jetty would. Stops looking at the first "\n".
 */
export function trackRequestLine(socket: Socket): void {
  const tracked = socket as TrackedSocket;
  tracked[REQUEST_LINE_OPEN] = true;
  const onData = (chunk: Buffer): void => {
    if (!chunk.includes(0x0a)) return;
    tracked[REQUEST_LINE_OPEN] = false;
    socket.off('data', onData);
  };
  socket.on('data', onData);
}

/** A request that starts with a syntactically valid method name (Jetty: 501 when it is unknown). */
const METHOD_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ /;

/** Answers what Node's parser rejected (Jetty's answers), then closes the connection. */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (socket.destroyed || !socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const raw = (err as { rawPacket?: unknown }).rawPacket;
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    socket.end(badMessageBytes((socket as TrackedSocket)[REQUEST_LINE_OPEN] === true ? 414 : 431));
  } else if (err.code === 'HPE_INVALID_METHOD' && Buffer.isBuffer(raw) && METHOD_TOKEN.test(raw.toString('latin1'))) {
    socket.end('HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'HPE_HEADERS_TIMEOUT') {
    socket.destroy();
  } else {
    socket.end(badMessageBytes(400));
  }
}

/** A request target split into its decoded path and its raw query. */
export interface RequestTarget {
  readonly path: string;
  readonly query: string;
}

/**
 * The decoded, canonical path of a request target, as Jetty hands it to its
 * servlets: "." and ".." segments resolved, ";params" dropped from segments,
 * %XX decoded as UTF-8 (so %2F becomes "/" only after resolving). Undefined
 * when it cannot be decoded or climbs above the root (Jetty answers 400).
 */
export function requestTarget(rawUrl: string): RequestTarget | undefined {
  let url = rawUrl;
  // Absolute form ("GET http://host:port/path HTTP/1.1").
  const absolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(url);
  if (absolute) url = url.slice(absolute[0].length) || '/';
  const hash = url.indexOf('#');
  if (hash >= 0) url = url.slice(0, hash);
  const q = url.indexOf('?');
  const rawPath = q >= 0 ? url.slice(0, q) : url;
  const query = q >= 0 ? url.slice(q + 1) : '';
  if (!rawPath.startsWith('/')) return undefined;

  const out: string[] = [];
  const segments = rawPath.slice(1).split('/');
  for (let i = 0; i < segments.length; i++) {
    const seg = (segments[i] as string).split(';')[0] as string;
    const last = i === segments.length - 1;
    if (seg === '.') {
      if (last) out.push('');
      continue;
    }
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
      if (last) out.push('');
      continue;
    }
    out.push(seg);
  }
  let path: string;
  try {
    path = decodeURIComponent(`/${out.join('/')}`);
  } catch {
    return undefined;
  }
  return { path, query };
}

/**
 * Serves one request as Jetty would before the servlet runs: oversized headers and
 * undecodable targets are answered here; `route` gets the decoded target and the
 * method. A throwing route answers 500 (as a servlet container does) and is logged,
 * so one failing request never takes the server down.
 */
export function serveRequest(
  req: IncomingMessage,
  res: ServerResponse,
  log: Logger,
  what: string,
  route: (target: RequestTarget, method: string) => void,
): void {
  try {
    if (!withinHeaderLimit(req, res)) return;
    const target = requestTarget(req.url ?? '');
    if (target === undefined) {
      sendBadMessage(req, res, 400);
      return;
    }
    route(target, req.method ?? '');
  } catch (err) {
    log.error({ err, url: req.url }, `${what} request failed`);
    if (!res.headersSent) sendErrorPage(req, res, 500, 'Server Error', req.url ?? '');
    else res.destroy();
  }
}

/** The first value of each query parameter (the servlet parameter map's [0]); bad escapes are kept literally. */
export function firstQueryValues(query: string): Map<string, string> {
  const args = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(query)) if (!args.has(k)) args.set(k, v);
  return args;
}

/** Why a listen() failed, in words an operator can act on. */
function listenFailure(err: NodeJS.ErrnoException, address: string, port: number): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return `${address}:${port} is already in use`;
    case 'EACCES':
      return `no permission to listen on ${address}:${port}`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${address} is not an address of this machine`;
    default:
      return err.message;
  }
}

/**
 * Binds `server`; on failure logs `what` could not start and why, and resolves
 * undefined (the caller goes on without it). Resolves the bound port otherwise.
 */
export function listenOrLog(server: Server, address: string, port: number, what: string, log: Logger, hint: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      log.error(
        { address, port, code: err.code },
        `${what} not started: ${listenFailure(err, address, port)}; zkts goes on without it (${hint})`,
      );
      resolve(undefined);
    };
    server.once('error', onError);
    try {
      server.listen(port, address, () => {
        server.off('error', onError);
        // Errors after start-up (e.g. accept failing for lack of file descriptors) are logged, never thrown.
        server.on('error', (err) => log.warn({ err }, `${what} error`));
        const addr = server.address();
        resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
      });
    } catch (err) {
      server.off('error', onError);
      onError(err as NodeJS.ErrnoException);
    }
  });
}

/** Stops accepting and closes every open connection, idle or not. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Idle timeouts like Jetty's connector idleTimeout (0 = none). */
export function applyIdleTimeout(server: Server, idleTimeoutMs: number): void {
  server.timeout = idleTimeoutMs;
  server.keepAliveTimeout = idleTimeoutMs;
}
