// The local CTI API's transport: HTTP and WebSocket on 127.0.0.1, behind the checks of api-guard.ts
// and within fixed limits. It knows the routes and frames; what a command does is runCommand's.
//
// HTTP: `GET /v1/calls`, `POST /v1/calls` (MakeCall), `POST /v1/calls/{callId}/<action>`, and the
// OpenAPI document at `GET /v1/openapi.json`. JSON in, JSON out; errors are `{ error: { code, message } }`.
// WebSocket: `/v1/events`; the server says `welcome` with the calls, then pushes every call event;
// clients may send commands as `{ id, command, callId?, params? }` and get `result` frames.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import type { ErrorCode } from '../../../preload/contract.ts';
import { AppError } from '../errors.ts';
import type { Clock, Logger } from '../ports.ts';
import { API_VERSION, CTI_COMMANDS, WsCommand, type ApiCall, type CtiCommandName, type CtiEvent, type WsFrame } from './api-schema.ts';
import {
  API_PROTOCOL,
  AuthFailures,
  bearerOf,
  bearerOfProtocols,
  hostAllowed,
  LOOPBACK,
  originVerdict,
  sameSecret,
  TokenBucket,
  type OriginVerdict,
} from './api-guard.ts';

export interface ApiLimits {
  /** Largest request body, and largest WebSocket message. */
  maxBodyBytes: number;
  maxUrlLength: number;
  maxHeaderBytes: number;
  /** WebSocket clients at once. */
  maxClients: number;
  /** Requests and WebSocket commands per second, all clients together, and the burst allowed. */
  perSecond: number;
  burst: number;
  /** A client that does not read its events is dropped once this much waits for it. */
  maxBufferedBytes: number;
  /** How often WebSocket clients are pinged; one that missed the last ping is dropped. */
  pingIntervalMs: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = {
  maxBodyBytes: 16 * 1024,
  maxUrlLength: 2048,
  maxHeaderBytes: 8 * 1024,
  maxClients: 64,
  perSecond: 50,
  burst: 100,
  maxBufferedBytes: 1024 * 1024,
  pingIntervalMs: 30_000,
};

/** What a WebSocket client presented at its upgrade. */
interface Presented {
  token: string;
  origin: string | undefined;
}

export interface ApiServerOptions {
  port: number;
  /** The bearer token as it is now (it can be replaced while the server runs). */
  token: () => string;
  allowedOrigins: () => readonly string[];
  /** Runs a command whose parameters passed its schema. */
  run: (command: CtiCommandName, params: unknown, callId: string) => Promise<unknown>;
  calls: () => ApiCall[];
  openapi: () => unknown;
  clock: Clock;
  logger: Logger;
  limits?: Partial<ApiLimits>;
}

export interface ApiServer {
  readonly port: number;
  broadcast(event: CtiEvent): void;
  clients(): number;
  /**
   * Checks connected WebSocket clients again (after a new token, or a page removed from the
   * allowed origins) and closes those that would now be refused: 4401 for the token, 4403 for the
   * page. Returns how many it closed.
   */
  recheck(): number;
  close(): Promise<void>;
}

type ApiErrorCode = ErrorCode | 'unauthorized' | 'forbidden' | 'not-found' | 'rate-limited' | 'too-large' | 'unsupported-media-type' | 'method-not-allowed' | 'uri-too-long';

/** How each core error reads as HTTP. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  'invalid-argument': 400,
  'invalid-number': 422,
  'no-such-call': 404,
  'no-such-account': 404,
  'not-configured': 409,
  'not-registered': 409,
  'too-many-calls': 409,
  'invalid-call-state': 409,
  'transfer-failed': 409,
  'media-unavailable': 503,
  'media-failed': 502,
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const CALL_ROUTE = /^\/v1\/calls\/([A-Za-z0-9._-]{1,64})\/([a-z-]{1,32})$/;
const EVENTS_PATH = '/v1/events';
const OPENAPI_PATH = '/v1/openapi.json';

/** Which command a method and raw path name, or why none does. */
function route(method: string, path: string): { command: CtiCommandName; callId: string } | HttpError {
  if (path === '/v1/calls') {
    if (method === 'GET') return { command: 'GetCalls', callId: '' };
    if (method === 'POST') return { command: 'MakeCall', callId: '' };
    return new HttpError(405, 'method-not-allowed', `${method} is not allowed here`, { Allow: 'GET, POST' });
  }
  const match = CALL_ROUTE.exec(path);
  if (match) {
    const [, callId = '', action = ''] = match;
    const command = (Object.keys(CTI_COMMANDS) as CtiCommandName[]).find((c) => CTI_COMMANDS[c].call && CTI_COMMANDS[c].path.endsWith(`/${action}`));
    if (command === undefined) return new HttpError(404, 'not-found', `no action ${action}`);
    if (method !== 'POST') return new HttpError(405, 'method-not-allowed', `${method} is not allowed here`, { Allow: 'POST' });
    return { command, callId };
  }
  return new HttpError(404, 'not-found', 'no such resource');
}

function rawPath(url: string | undefined): string {
  const target = url ?? '/';
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

function describe(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}

function asHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof AppError) return new HttpError(STATUS[err.code] ?? 500, err.code, err.message);
  return new HttpError(500, 'internal', 'internal error');
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const limits = { ...DEFAULT_API_LIMITS, ...options.limits };
  const { clock, logger } = options;
  const bucket = new TokenBucket(limits.perSecond, limits.burst, clock);
  const failures = new AuthFailures(clock);
  const sockets = new Set<WebSocket>();
  const alive = new WeakMap<WebSocket, boolean>();
  /** What each WebSocket client showed when it connected, checked again when the settings change. */
  const credentials = new WeakMap<WebSocket, Presented>();

  const server: Server = createServer({ maxHeaderSize: limits.maxHeaderBytes });
  server.headersTimeout = 5000;
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5000;
  server.maxHeadersCount = 64;
  server.maxConnections = limits.maxClients * 2;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxBodyBytes,
    clientTracking: false,
    // The bearer subprotocol is never echoed: the API's own protocol is chosen when offered.
    handleProtocols: (protocols) => (protocols.has(API_PROTOCOL) ? API_PROTOCOL : false),
  });

  /** Host, Origin and token; what a refusal says. Shared by HTTP and the WebSocket upgrade. */
  function admit(req: IncomingMessage, token: string | null): OriginVerdict {
    if (!hostAllowed(req.headers.host, port)) throw new HttpError(403, 'forbidden', 'the Host header must name 127.0.0.1 or localhost and this port');
    const origin = originVerdict(req.headers.origin, options.allowedOrigins());
    if (origin === 'refused') throw new HttpError(403, 'forbidden', 'requests from this web page are not allowed (settings: allowed origins)');
    const expected = options.token();
    if (token === null || expected === '' || !sameSecret(token, expected)) {
      if (failures.locked()) throw new HttpError(429, 'rate-limited', 'too many wrong tokens; wait', { 'Retry-After': String(failures.retryAfterS()) });
      failures.record();
      throw new HttpError(401, 'unauthorized', token === null ? 'a bearer token is required' : 'wrong token', { 'WWW-Authenticate': 'Bearer realm="hookswitch"' });
    }
    if (!bucket.take()) throw new HttpError(429, 'rate-limited', 'too many requests', { 'Retry-After': String(bucket.retryAfterS()) });
    return origin;
  }

  function corsHeaders(req: IncomingMessage, verdict: OriginVerdict): Record<string, string> {
    return verdict === 'allowed' && req.headers.origin !== undefined ? { 'Access-Control-Allow-Origin': req.headers.origin, Vary: 'Origin' } : {};
  }

  function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent) return;
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
  }

  /**
   * The body, up to the limit. Beyond it the rest is read and dropped (so the client sees the 413
   * instead of a reset); the request timeout bounds a body that never ends.
   */
  function readBody(req: IncomingMessage): Promise<string> {
    const tooLarge = (): HttpError => new HttpError(413, 'too-large', `the body may have at most ${limits.maxBodyBytes} bytes`, { Connection: 'close' });
    const declared = Number(req.headers['content-length'] ?? '0');
    if (Number.isFinite(declared) && declared > limits.maxBodyBytes) {
      req.resume();
      return Promise.reject(tooLarge());
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limits.maxBodyBytes) chunks.push(chunk);
      });
      req.on('end', () => {
        if (size > limits.maxBodyBytes) reject(tooLarge());
        else resolve(Buffer.concat(chunks).toString('utf8'));
      });
      req.on('error', reject);
    });
  }

  async function params(req: IncomingMessage, command: CtiCommandName): Promise<unknown> {
    if (req.method !== 'POST') return {};
    const text = await readBody(req);
    if (text.trim() === '') return parse(command, {});
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') throw new HttpError(415, 'unsupported-media-type', 'send the body as application/json');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'invalid-argument', 'the body is not JSON');
    }
    return parse(command, json);
  }

  function parse(command: CtiCommandName, json: unknown): unknown {
    const checked = CTI_COMMANDS[command].params.safeParse(json);
    if (!checked.success) throw new HttpError(400, 'invalid-argument', `${command}: ${describe(checked.error)}`);
    return checked.data;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if ((req.url ?? '').length > limits.maxUrlLength) throw new HttpError(414, 'uri-too-long', 'the address is too long');
    const path = rawPath(req.url);
    if (method === 'OPTIONS') {
      preflight(req, res);
      return;
    }
    if (path === OPENAPI_PATH && method === 'GET') {
      // The document is public on this machine (no token), but not to other hosts or web pages.
      if (!hostAllowed(req.headers.host, port)) throw new HttpError(403, 'forbidden', 'the Host header must name 127.0.0.1 or localhost and this port');
      const verdict = originVerdict(req.headers.origin, options.allowedOrigins());
      if (verdict === 'refused') throw new HttpError(403, 'forbidden', 'requests from this web page are not allowed');
      reply(res, 200, options.openapi(), corsHeaders(req, verdict));
      return;
    }
    const verdict = admit(req, bearerOf(req.headers.authorization));
    const cors = corsHeaders(req, verdict);
    const target = route(method, path);
    if (target instanceof HttpError) throw new HttpError(target.status, target.code, target.message, { ...target.headers, ...cors });
    try {
      const result = await options.run(target.command, await params(req, target.command), target.callId);
      reply(res, target.command === 'MakeCall' ? 201 : 200, result, cors);
    } catch (err) {
      const error = asHttpError(err);
      throw new HttpError(error.status, error.code, error.message, { ...error.headers, ...cors });
    }
  }

  function preflight(req: IncomingMessage, res: ServerResponse): void {
    if (!hostAllowed(req.headers.host, port)) throw new HttpError(403, 'forbidden', 'the Host header must name 127.0.0.1 or localhost and this port');
    if (originVerdict(req.headers.origin, options.allowedOrigins()) !== 'allowed') throw new HttpError(403, 'forbidden', 'requests from this web page are not allowed');
    const headers: Record<string, string> = {
      ...corsHeaders(req, 'allowed'),
      'Access-Control-Allow-Methods': 'GET, POST',
      'Access-Control-Allow-Headers': 'Authorization, Content-Type',
      'Access-Control-Max-Age': '600',
    };
    // Chrome asks before a public page may reach a private address (Private Network Access).
    if (req.headers['access-control-request-private-network'] === 'true') headers['Access-Control-Allow-Private-Network'] = 'true';
    res.writeHead(204, headers);
    res.end();
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      const error = asHttpError(err);
      if (error.status >= 500) logger.error(`cti api: ${req.method ?? ''} ${rawPath(req.url)} failed`, err);
      else if (error.status === 401 || error.status === 403) logger.warn(`cti api: refused ${req.method ?? ''} ${rawPath(req.url)}: ${error.message}`);
      reply(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
    });
  });
  // Requests Node itself cannot parse: too many header bytes (431), or not HTTP at all (400).
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      if (rawPath(req.url) !== EVENTS_PATH) throw new HttpError(404, 'not-found', 'no such resource');
      const token = bearerOf(req.headers.authorization) ?? bearerOfProtocols(req.headers['sec-websocket-protocol']);
      admit(req, token);
      if (sockets.size >= limits.maxClients) throw new HttpError(503, 'rate-limited', 'too many clients');
    } catch (err) {
      const error = asHttpError(err);
      logger.warn(`cti api: WebSocket refused: ${error.message}`);
      const body = JSON.stringify({ error: { code: error.code, message: error.message } });
      socket.end(`HTTP/1.1 ${error.status} Refused\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      socket.destroy();
      return;
    }
    const presented = { token: bearerOf(req.headers.authorization) ?? bearerOfProtocols(req.headers['sec-websocket-protocol']) ?? '', origin: req.headers.origin };
    wss.handleUpgrade(req, socket, head, (ws) => {
      accept(ws, presented);
    });
  });

  function send(ws: WebSocket, frame: WsFrame): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }

  function accept(ws: WebSocket, presented: Presented): void {
    sockets.add(ws);
    credentials.set(ws, presented);
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void command(ws, data, isBinary);
    });
    ws.on('error', (err) => {
      logger.warn(`cti api: WebSocket client error: ${err.message}`);
    });
    ws.on('close', () => {
      sockets.delete(ws);
    });
    send(ws, { type: 'welcome', apiVersion: API_VERSION, calls: options.calls() });
  }

  async function command(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    let id: number | string | null = null;
    try {
      if (isBinary) throw new HttpError(400, 'invalid-argument', 'frames are JSON text');
      let json: unknown;
      try {
        json = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
      } catch {
        throw new HttpError(400, 'invalid-argument', 'the frame is not JSON');
      }
      if (typeof json === 'object' && json !== null && 'id' in json && (typeof json.id === 'number' || typeof json.id === 'string')) id = json.id;
      const frame = WsCommand.safeParse(json);
      if (!frame.success) throw new HttpError(400, 'invalid-argument', describe(frame.error));
      if (!bucket.take()) throw new HttpError(429, 'rate-limited', 'too many requests');
      const { command: name, callId = '', params: given = {} } = frame.data;
      if (CTI_COMMANDS[name].call && callId === '') throw new HttpError(400, 'invalid-argument', `${name} needs a callId`);
      const result = await options.run(name, parse(name, given), callId);
      send(ws, { type: 'result', id: frame.data.id, ok: true, result });
    } catch (err) {
      const error = asHttpError(err);
      if (error.status >= 500) logger.error('cti api: WebSocket command failed', err);
      send(ws, { type: 'result', id, ok: false, error: { code: error.code, message: error.message } });
    }
  }

  // Clients that stopped answering pings (a killed CRM, a sleeping laptop) are dropped.
  let pinger: unknown = null;
  const ping = (): void => {
    for (const ws of sockets) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
    pinger = clock.setTimeout(ping, limits.pingIntervalMs);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('cti api: no TCP address');
  const port = address.port;
  pinger = clock.setTimeout(ping, limits.pingIntervalMs);

  return {
    port,
    broadcast(event) {
      const text = JSON.stringify({ type: 'event', event } satisfies WsFrame);
      for (const ws of sockets) {
        if (ws.readyState !== ws.OPEN) continue;
        // A client that does not read must not make Hookswitch hold its events without end.
        if (ws.bufferedAmount > limits.maxBufferedBytes) {
          logger.warn('cti api: a WebSocket client does not read its events; dropped');
          ws.terminate();
          continue;
        }
        ws.send(text);
      }
    },
    clients: () => sockets.size,
    recheck() {
      let closed = 0;
      const expected = options.token();
      for (const ws of sockets) {
        const presented = credentials.get(ws);
        if (!presented) continue;
        if (expected === '' || !sameSecret(presented.token, expected)) ws.close(4401, 'the token was replaced');
        else if (originVerdict(presented.origin, options.allowedOrigins()) === 'refused') ws.close(4403, 'this web page is no longer allowed');
        else continue;
        sockets.delete(ws);
        closed++;
      }
      if (closed > 0) logger.info(`cti api: closed ${String(closed)} WebSocket client(s) the new settings refuse`);
      return closed;
    },
    async close() {
      clock.clearTimeout(pinger);
      for (const ws of sockets) ws.close(1001, 'Hookswitch is stopping');
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      for (const ws of sockets) ws.terminate();
      sockets.clear();
    },
  };
}
