// A WebSocket that died without a FIN (a laptop moved to another network, a NAT that forgot us)
// looks connected until the next REGISTER refresh, minutes later. While registered, a
// double-CRLF keep-alive (RFC 5626 3.5.1) goes out every interval, and any frame from the server
// within the timeout proves the connection. It goes through sip.js's own transport, so it works
// with whichever WebSocket sip.js uses: the `ws` package on Node 20, Node's own (no ping API) in
// Electron. Kamailio answers it with one CRLF; a server that has never answered one is not judged
// by them (the REGISTER refresh still is), so a server without keep-alives is not cut off.
import type { Transport } from 'sip.js';
import { messageOf } from '../errors.ts';
import type { Clock, Logger } from '../ports.ts';

export interface KeepAliveOptions {
  clock: Clock;
  logger: Logger;
  /** From one keep-alive to the next. */
  intervalMs: number;
  /** How long the answer may take. */
  timeoutMs: number;
  /** Nothing arrived in time from a server known to answer keep-alives: the connection is gone. */
  onSilent: (detail: string) => void;
}

type FrameListener = (event: { data?: unknown }) => void;

/** What this needs of a WebSocket (the `ws` package's or the WHATWG one): to see frames arrive. */
interface FrameSource {
  addEventListener(type: 'message', listener: FrameListener): void;
  removeEventListener(type: 'message', listener: FrameListener): void;
}

function isFrameSource(value: unknown): value is FrameSource {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof FrameSource, unknown>>;
  return typeof candidate.addEventListener === 'function' && typeof candidate.removeEventListener === 'function';
}

/** sip.js's WebSocket transport shows its current socket through its public `ws` getter. */
function socketOf(transport: Transport): FrameSource | undefined {
  const socket: unknown = (transport as { readonly ws?: unknown }).ws;
  return isFrameSource(socket) ? socket : undefined;
}

const KEEP_ALIVE = '\r\n\r\n';
const CRLF_ONLY = /^(?:\r\n)+$/;

export class KeepAlive {
  private transport: Transport | null = null;
  private timer: unknown = null;
  /** Detaches the listener of the keep-alive waiting for its answer. */
  private unlisten: (() => void) | null = null;
  /** The server answered a keep-alive at least once (on any connection to it). */
  private serverAnswers = false;
  private saidNoAnswer = false;

  constructor(private readonly options: KeepAliveOptions) {}

  /** Watches `transport` from now on; nothing changes when it already does. */
  start(transport: Transport): void {
    if (this.transport === transport) return;
    this.stop();
    this.transport = transport;
    this.schedule(this.options.intervalMs);
  }

  /** No timer and no listener stays behind. */
  stop(): void {
    this.transport = null;
    if (this.timer !== null) {
      this.options.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    this.unlisten?.();
    this.unlisten = null;
  }

  /** Another server (a new user agent): whether it answers keep-alives is not known yet. */
  reset(): void {
    this.stop();
    this.serverAnswers = false;
    this.saidNoAnswer = false;
  }

  private schedule(ms: number): void {
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = null;
      this.probe();
    }, ms);
  }

  private probe(): void {
    const transport = this.transport;
    if (!transport) return;
    const socket = socketOf(transport);
    if (!socket) {
      // Not sip.js's WebSocket transport: nothing to watch; the REGISTER refresh remains.
      this.options.logger.info('registration: the transport shows no socket; no keep-alives');
      return;
    }
    let heard = false;
    let answered = false;
    const listener: FrameListener = (event) => {
      heard = true;
      if (typeof event.data === 'string' && CRLF_ONLY.test(event.data)) answered = true;
    };
    socket.addEventListener('message', listener);
    this.unlisten = () => {
      socket.removeEventListener('message', listener);
    };
    transport.send(KEEP_ALIVE).catch((err: unknown) => {
      this.options.logger.debug(`registration: keep-alive not sent: ${messageOf(err)}`);
    });
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = null;
      this.unlisten?.();
      this.unlisten = null;
      if (answered) this.serverAnswers = true;
      if (heard || !this.serverAnswers) {
        if (!this.serverAnswers && !this.saidNoAnswer) {
          this.saidNoAnswer = true;
          this.options.logger.info('registration: the server has not answered a keep-alive; only REGISTER refreshes check the connection');
        }
        // Keep-alives go out every interval: the next one is due this much after the answer.
        this.schedule(Math.max(0, this.options.intervalMs - this.options.timeoutMs));
        return;
      }
      this.transport = null;
      this.options.onSilent(`no answer to a keep-alive within ${this.options.timeoutMs} ms`);
    }, this.options.timeoutMs);
  }
}
