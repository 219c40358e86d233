// The local CTI API's life: started, restarted and stopped as the settings say, with its token in
// the secret store, and every call event passed to its WebSocket clients.
import { randomBytes } from 'node:crypto';
import type { ApiSettings, ApiStatus } from '../../../preload/contract.ts';
import { messageOf } from '../errors.ts';
import type { Clock, Logger, SecretStore } from '../ports.ts';
import type { ApiCall, CtiCommandName, CtiEvent } from './api-schema.ts';
import { startApiServer, type ApiLimits, type ApiServer } from './api-server.ts';

/** Where the token lives in the secret store. */
export const API_TOKEN_KEY = 'cti-api-token';

export interface CtiServiceOptions {
  clock: Clock;
  logger: Logger;
  secrets: SecretStore;
  settings: () => ApiSettings;
  run: (command: CtiCommandName, params: unknown, callId: string) => Promise<unknown>;
  calls: () => ApiCall[];
  openapi: () => unknown;
  onStatus: (status: ApiStatus) => void;
  limits?: Partial<ApiLimits>;
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export class CtiService {
  private server: ApiServer | null = null;
  private running: { port: number } | null = null;
  private current: ApiStatus = { state: 'off', port: null, error: null };
  private tokenValue = '';
  /** Starts and stops run one after another, never over each other. */
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: CtiServiceOptions) {}

  status(): ApiStatus {
    return { ...this.current };
  }

  /** Brings the server in line with the settings (on, off, another port). */
  apply(): Promise<void> {
    this.chain = this.chain.then(() => this.reconcile()).catch((err: unknown) => {
      this.options.logger.error('cti api: applying the settings failed', err);
    });
    return this.chain;
  }

  /** The token, made on first use; `regenerate` replaces it, and the old one stops working at once. */
  async token(regenerate: boolean): Promise<string> {
    if (!regenerate && this.tokenValue === '') this.tokenValue = (await this.options.secrets.get(API_TOKEN_KEY)) ?? '';
    if (regenerate || this.tokenValue === '') {
      const token = newToken();
      await this.options.secrets.set(API_TOKEN_KEY, token);
      this.tokenValue = token;
      if (regenerate) {
        this.options.logger.info('cti api: a new token replaced the old one');
        // "The old one stops working at once": connected clients too.
        this.server?.recheck();
      }
    }
    return this.tokenValue;
  }

  event(event: CtiEvent): void {
    this.server?.broadcast(event);
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.apply();
  }

  private async reconcile(): Promise<void> {
    const { enabled, port } = this.options.settings();
    const wanted = enabled && !this.stopped ? port : null;
    if (wanted !== null && this.running?.port === wanted) {
      // Same server; the allowed pages may have changed.
      this.server?.recheck();
      return;
    }
    if (this.server) {
      const server = this.server;
      this.server = null;
      this.running = null;
      await server.close();
      this.options.logger.info('cti api: stopped');
    }
    if (wanted === null) {
      this.set({ state: 'off', port: null, error: null });
      return;
    }
    try {
      // A token exists before the first request can arrive.
      await this.token(false);
      this.server = await startApiServer({
        port: wanted,
        token: () => this.tokenValue,
        allowedOrigins: () => this.options.settings().allowedOrigins,
        run: this.options.run,
        calls: this.options.calls,
        openapi: this.options.openapi,
        clock: this.options.clock,
        logger: this.options.logger,
        ...(this.options.limits ? { limits: this.options.limits } : {}),
      });
      this.running = { port: wanted };
      this.options.logger.info(`cti api: listening on 127.0.0.1:${wanted}`);
      this.set({ state: 'listening', port: wanted, error: null });
    } catch (err) {
      const inUse = typeof err === 'object' && err !== null && 'code' in err && err.code === 'EADDRINUSE';
      this.options.logger.warn(`cti api: cannot listen on 127.0.0.1:${wanted}: ${messageOf(err)}`);
      this.set({ state: 'failed', port: wanted, error: inUse ? 'port-in-use' : 'failed' });
    }
  }

  private set(status: ApiStatus): void {
    const was = this.current;
    if (was.state === status.state && was.port === status.port && was.error === status.error) return;
    this.current = status;
    this.options.onStatus(this.status());
  }
}
