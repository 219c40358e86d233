// The web host: the same core as the Electron app, with the built renderer served on 127.0.0.1
// and the contract carried over one WebSocket (preload/web-wire.ts). It is how the end-to-end
// tests drive the real renderer, how `npm start` runs where Electron cannot be installed, and a
// thin-client mode. Only loopback: the token in the URL, the Host header (DNS rebinding) and the
// Origin header (other web pages) are all checked before a socket is accepted.
import { randomBytes } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import type { CommandName, EventName, EventPayload, Result } from '../../preload/contract.ts';
import { ClientFrame, MAX_FRAME_BYTES, WEB_API_PATH, WEB_TOKEN_PARAM } from '../../preload/web-wire.ts';
import type { ServerFrame } from '../../preload/web-wire.ts';
import type { Core, CoreOptions } from '../core/core.ts';
import { createCore } from '../core/create-core.ts';
import { describeIssues, registerCommands, unknownCommand } from '../core/dispatch.ts';
import type { CommandFn } from '../core/dispatch.ts';
import type { HidTransport } from '../core/hid/hid-transport.ts';
import type { HistoryStore } from '../core/history/history-store.ts';
import type { EventSink, Logger } from '../core/ports.ts';
import { systemClock } from '../core/ports.ts';
import { settleWithin } from '../core/time-bounds.ts';
import { hostAllowed as loopbackHostAllowed, sameSecret } from '../core/cti/api-guard.ts';
import { createSettingsFile } from '../host/atomic-file.ts';
import { createConsoleLogger } from '../host/console-logger.ts';
import { defaultRendererDir, packageVersion } from '../host/package-paths.ts';
import { contentSecurityPolicy, readRendererFile, securityHeaders } from '../host/renderer-files.ts';
import { createHistoryStore } from '../host/history/create-history-store.ts';
import { openUrlInBrowser } from '../host/open-url.ts';
import { EventNotifier } from './event-notifier.ts';
import { FileSecretStore } from './file-secret-store.ts';
import { systemLocale } from './system-locale.ts';

export const WEB_HOST_ADDRESS = '127.0.0.1';

export interface WebHostOptions {
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Where settings.json and secrets.json live; see resolveDataDir. */
  dataDir?: string;
  /** The built renderer; defaults to dist/renderer of this package. */
  rendererDir?: string;
  version?: string;
  systemLocale?: string;
  logger?: Logger;
  /** Builds the core; tests pass a fake. Defaults to the real one. */
  createCore?: (options: CoreOptions) => Core | Promise<Core>;
  /** How long stop() waits for the core to unregister and hang up. */
  stopTimeoutMs?: number;
  /** USB headsets for the core; tests pass replay devices. Without it there are none. */
  hidTransport?: HidTransport;
  /** The call history; defaults to SQLite at `<dataDir>/history.sqlite`. false: none. */
  history?: HistoryStore | false;
  /** Opens the CRM page; defaults to the system's browser (xdg-open, open, rundll32). */
  openUrl?: (url: string) => Promise<void>;
}

export interface WebHost {
  /** http://127.0.0.1:<port>/#token=<token>: the address to open, token included. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly core: Core;
  readonly dataDir: string;
  /** Every name put in the command table, in order, repeats included: the contract's names once each. */
  readonly commands: readonly CommandName[];
  stop(): Promise<void>;
}

/** The data folder: the option, else $HOOKSWITCH_DATA_DIR, else $XDG_CONFIG_HOME/hookswitch-web. */
export function resolveDataDir(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (option) return option;
  if (env.HOOKSWITCH_DATA_DIR) return env.HOOKSWITCH_DATA_DIR;
  const configHome = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(configHome, 'hookswitch-web');
}

/**
 * Creates the data folder owner-only (0700; a umask can only narrow that): it holds the secrets
 * file and the launcher page with this run's token. A folder that already exists is left as it is
 * (the user may have chosen a shared one on purpose), but a looser one is reported; the files the
 * host writes in it are 0600 either way.
 */
export async function ensurePrivateDir(dir: string, logger: Logger): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  if (((await stat(dir)).mode & 0o077) !== 0) logger.warn(`web host: data folder ${dir} is open to other users; its files stay owner-only`);
}

/** The raw path of a request target, without query; never normalised, so '..' stays visible. */
function rawPath(url: string | undefined): string {
  const target = url ?? '/';
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

function queryParam(url: string | undefined, name: string): string | null {
  const target = url ?? '/';
  const start = target.indexOf('?');
  if (start === -1) return null;
  return new URLSearchParams(target.slice(start + 1)).get(name);
}

export async function startWebHost(options: WebHostOptions = {}): Promise<WebHost> {
  const logger = options.logger ?? createConsoleLogger('info', 'web-host');
  const dataDir = resolveDataDir(options.dataDir);
  const rendererDir = options.rendererDir ?? fileURLToPath(defaultRendererDir());
  const stopTimeoutMs = options.stopTimeoutMs ?? 5000;
  await ensurePrivateDir(dataDir, logger);

  const token = randomBytes(32).toString('base64url');
  const sockets = new Map<string, WebSocket>();

  const send = (ws: WebSocket, frame: ServerFrame): void => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(JSON.stringify(frame));
  };
  const events: EventSink = {
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      const text = JSON.stringify({ type: 'event', event, payload } satisfies ServerFrame);
      for (const ws of sockets.values()) if (ws.readyState === ws.OPEN) ws.send(text);
    },
    emitTo<E extends EventName>(senderId: string, event: E, payload: EventPayload<E>) {
      const ws = sockets.get(senderId);
      if (ws) send(ws, { type: 'event', event, payload });
    },
  };

  const history =
    options.history === false ? null : (options.history ?? createHistoryStore({ file: join(dataDir, 'history.sqlite'), logger }));
  const build = options.createCore ?? createCore;
  const core = await build({
    host: 'web',
    version: options.version ?? packageVersion(),
    systemLocale: options.systemLocale ?? systemLocale(),
    settingsFile: createSettingsFile(join(dataDir, 'settings.json')),
    secrets: new FileSecretStore(join(dataDir, 'secrets.json'), logger),
    events,
    logger,
    ...(options.hidTransport ? { hidTransport: options.hidTransport } : {}),
    ...(history ? { history } : {}),
    openUrl: options.openUrl ?? ((url: string) => openUrlInBrowser(url)),
    notifier: new EventNotifier(events),
  });

  const table = new Map<string, CommandFn>();
  // What the table received, repeats included, so a test sees a name put in twice.
  const registered: CommandName[] = [];
  registerCommands(
    (name, fn) => {
      registered.push(name);
      table.set(name, fn);
    },
    core.handlers,
    { logger },
  );

  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, clientTracking: false });
  await listen(server, options.port ?? 0);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('web host: no TCP address');
  const port = address.port;

  const allowedOrigins = new Set([`http://${WEB_HOST_ADDRESS}:${port}`, `http://localhost:${port}`]);
  const csp = contentSecurityPolicy([`ws://${WEB_HOST_ADDRESS}:${port}`, `ws://localhost:${port}`]);
  const hostAllowed = (req: IncomingMessage): boolean => loopbackHostAllowed(req.headers.host, port);

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    serveStatic(req, res).catch((err: unknown) => {
      logger.error('web host: static file failed', err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req)) {
      refuseHttp(res, 403, csp);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      refuseHttp(res, 405, csp);
      return;
    }
    const file = await readRendererFile(rendererDir, rawPath(req.url), csp);
    res.writeHead(file.status, { ...file.headers, 'Content-Length': String(file.body.length) });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const reason = refusalReason(req);
    if (reason !== null) {
      logger.warn(`web host: WebSocket refused (${reason})`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      accept(ws);
    });
  });

  function refusalReason(req: IncomingMessage): string | null {
    if (rawPath(req.url) !== WEB_API_PATH) return 'path';
    if (!hostAllowed(req)) return 'host';
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) return 'origin';
    const given = queryParam(req.url, WEB_TOKEN_PARAM);
    if (given === null || !sameSecret(given, token)) return 'token';
    return null;
  }

  let nextSocket = 0;
  function accept(ws: WebSocket): void {
    nextSocket += 1;
    const id = `web-${nextSocket}`;
    sockets.set(id, ws);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void handleFrame(ws, id, data, isBinary);
    });
    ws.on('error', (err) => {
      logger.warn(`web host: socket ${id} error`, err.message);
    });
    ws.on('close', () => {
      sockets.delete(id);
      core.senderGone(id);
    });
  }

  async function handleFrame(ws: WebSocket, senderId: string, data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) {
      logger.warn(`web host: binary frame from ${senderId} ignored`);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(rawDataText(data));
    } catch {
      // Without an id there is nobody to answer; the host stays up and says so in its log.
      logger.warn(`web host: frame from ${senderId} is not JSON; ignored`);
      return;
    }
    // JSON cannot carry undefined: a command without arguments arrives with no `args` key at all.
    const frame = ClientFrame.safeParse(isObject(json) && !('args' in json) ? { ...json, args: undefined } : json);
    if (!frame.success) {
      const id = frameId(json);
      if (id === null) {
        logger.warn(`web host: frame from ${senderId} has no id; ignored`);
        return;
      }
      send(ws, {
        type: 'result',
        id,
        result: { ok: false, error: { code: 'invalid-argument', message: `frame: ${describeIssues(frame.error)}` } },
      });
      return;
    }
    const { id, command, args } = frame.data;
    const fn = table.get(command);
    const result: Result<unknown> = fn ? await fn(args, { id: senderId }) : unknownCommand(command);
    send(ws, { type: 'result', id, result });
  }

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // The core goes first: hanging up may still need the media engine on the open sockets.
      const stopped = core.stop().catch((err: unknown) => {
        logger.warn('web host: core stop failed', err);
      });
      if ((await settleWithin(stopped, stopTimeoutMs, systemClock)) === 'timeout') {
        logger.warn(`web host: core stop timed out after ${stopTimeoutMs} ms`);
      }
      for (const ws of sockets.values()) ws.close(1001, 'host stopping');
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      for (const ws of sockets.values()) ws.terminate();
    })();
    return stopping;
  };

  try {
    await core.start();
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    url: `http://${WEB_HOST_ADDRESS}:${port}/#${WEB_TOKEN_PARAM}=${token}`,
    port,
    token,
    core,
    dataDir,
    commands: registered,
    stop,
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, WEB_HOST_ADDRESS, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function refuseHttp(res: ServerResponse, status: number, csp: string): void {
  res.writeHead(status, { ...securityHeaders(csp), 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${status}\n`);
}

function rawDataText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The id of a frame that failed validation, if it has a usable one to answer to. */
function frameId(json: unknown): number | null {
  if (!isObject(json) || !('id' in json)) return null;
  const id = json.id;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : null;
}
