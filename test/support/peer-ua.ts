// A second SIP phone in Node for the integration tests: a real sip.js UserAgent registered over
// WebSocket as another extension, with signalling-only media (a fixed SDP, no RTP). It answers or
// rejects calls, calls the core, and records what it saw: INFO bodies (DTMF), the direction of
// re-INVITE offers (hold), BYEs and final responses.
import WebSocket from 'ws';
import {
  EmitterImpl,
  Inviter,
  Registerer,
  RegistererState,
  SessionState,
  Subscriber,
  TransportState,
  UserAgent,
  type Emitter,
  type Invitation,
  type Session,
  type SessionDescriptionHandler,
  type Transport,
} from 'sip.js';
import { plainAudioSdp, type Direction } from './plain-sdp.ts';
import { pollUntil } from './process.ts';

export type { Direction };

/** The media direction an SDP body states (session or media level), sendrecv when none. */
export function sdpDirection(sdp: string): Direction {
  const m = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(sdp);
  return (m?.[1] as Direction | undefined) ?? 'sendrecv';
}

const ANSWER_DIRECTION: Record<Direction, Direction> = {
  sendrecv: 'sendrecv',
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  inactive: 'inactive',
};

/** Signalling only: answers every offer with a plain audio SDP, mirroring hold the way a phone would. */
class FixedSdpHandler implements SessionDescriptionHandler {
  private remoteDirection: Direction = 'sendrecv';

  getDescription(): Promise<{ body: string; contentType: string }> {
    const dir = ANSWER_DIRECTION[this.remoteDirection];
    return Promise.resolve({ body: plainAudioSdp(7001, dir), contentType: 'application/sdp' });
  }

  setDescription(sdp: string): Promise<void> {
    this.remoteDirection = sdpDirection(sdp);
    return Promise.resolve();
  }

  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }

  sendDtmf(): boolean {
    return false;
  }

  close(): void {}
}

/**
 * sip.js's own transport looks for a global WebSocket, which Node 20 lacks. This one uses the
 * `ws` package directly, so the peer never installs a global the core might silently rely on.
 */
class WsTransport implements Transport {
  readonly protocol = 'WS';
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;
  private readonly stateEmitter = new EmitterImpl<TransportState>();
  private currentState: TransportState = TransportState.Disconnected;
  private socket: WebSocket | undefined;
  private readonly server: string;

  constructor(_logger: unknown, options: { server: string }) {
    this.server = options.server;
  }

  get state(): TransportState {
    return this.currentState;
  }

  get stateChange(): Emitter<TransportState> {
    return this.stateEmitter;
  }

  private setState(state: TransportState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.stateEmitter.emit(state);
  }

  connect(): Promise<void> {
    if (this.currentState === TransportState.Connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.server, 'sip');
      this.socket = ws;
      this.setState(TransportState.Connecting);
      let open = false;
      ws.on('open', () => {
        open = true;
        this.setState(TransportState.Connected);
        this.onConnect?.();
        resolve();
      });
      ws.on('message', (data: Buffer) => {
        const text = data.toString('utf8');
        if (/^(\r\n)+$/.test(text)) return; // keep-alive pong
        this.onMessage?.(text);
      });
      ws.on('error', (err) => {
        if (!open) reject(err);
      });
      ws.on('close', (code) => {
        if (this.socket !== ws) return;
        this.socket = undefined;
        const wasOpen = open;
        this.setState(TransportState.Disconnected);
        if (wasOpen) this.onDisconnect?.(code === 1000 ? undefined : new Error(`WebSocket closed (${code})`));
        else reject(new Error(`WebSocket closed before open (${code})`));
      });
    });
  }

  disconnect(): Promise<void> {
    const ws = this.socket;
    if (!ws) return Promise.resolve();
    this.setState(TransportState.Disconnecting);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1000);
      ws.once('close', () => {
        clearTimeout(timer);
        this.socket = undefined;
        this.setState(TransportState.Disconnected);
        this.onDisconnect?.();
        resolve();
      });
      ws.close(1000);
    });
  }

  dispose(): Promise<void> {
    return this.disconnect();
  }

  isConnected(): boolean {
    return this.currentState === TransportState.Connected;
  }

  send(message: string): Promise<void> {
    const ws = this.socket;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('WebSocket not open'));
    return new Promise((resolve, reject) => {
      ws.send(message, (err) => {
        if (err) reject(err);
        else resolve();
      });
    });
  }
}

export interface ReceivedInfo {
  contentType: string;
  body: string;
}

/** One call as the peer saw it. */
export interface PeerCall {
  readonly direction: 'incoming' | 'outgoing';
  readonly session: Session;
  /** Caller's display name and user part as the peer received them (incoming calls). */
  readonly remoteDisplayName: string;
  readonly remoteUser: string;
  state: SessionState;
  infos: ReceivedInfo[];
  /** a=<direction> of every re-INVITE offer received, in order. */
  reinviteDirections: Direction[];
  byeReceived: boolean;
  /** Final response status to our INVITE (outgoing calls), e.g. 486. */
  finalStatus: number | null;
  /** When the peer reached Established (ms epoch). */
  establishedAt: number | null;
  /** When the INVITE arrived (incoming) or was sent (outgoing): ms epoch, sub-millisecond. */
  readonly startedAt: number;
  hangup(): Promise<void>;
}

export type IncomingBehaviour =
  | { mode: 'answer'; delayMs?: number }
  | { mode: 'reject'; status: number }
  /** Send 180 and wait: the test calls accept/reject on the session itself. */
  | { mode: 'ring' };

export interface PeerUaOptions {
  wsUrl: string;
  user: string;
  password?: string;
  displayName?: string;
  domain?: string;
  incoming?: IncomingBehaviour;
}

export interface PeerUa {
  readonly user: string;
  readonly uri: string;
  readonly calls: PeerCall[];
  /** sip.js log lines at warn and above, for failure messages. */
  readonly log: string[];
  setIncoming(behaviour: IncomingBehaviour): void;
  /** Calls target (an extension or SIP URI), with extra headers if given; resolves once the INVITE is sent. */
  call(target: string, extraHeaders?: string[]): Promise<PeerCall>;
  /** Waits for the next call (counting from `after` calls already seen). */
  waitForCall(after: number, timeoutMs?: number): Promise<PeerCall>;
  waitForState(call: PeerCall, state: SessionState, timeoutMs?: number): Promise<void>;
  /**
   * After the server came back: a new connection and a new REGISTER (the peer registers with
   * +sip.instance, so its dialogs use a GRUU that the proxy routes to the new connection).
   */
  reconnect(timeoutMs?: number): Promise<void>;
  /** SUBSCRIBE to target's dialog state (BLF); NOTIFY bodies are appended to the array returned. */
  watchDialog(target: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startPeerUa(options: PeerUaOptions): Promise<PeerUa> {
  const domain = options.domain ?? '127.0.0.1';
  const uri = `sip:${options.user}@${domain}`;
  const log: string[] = [];
  const calls: PeerCall[] = [];
  const subscribers: Subscriber[] = [];
  let incoming: IncomingBehaviour = options.incoming ?? { mode: 'answer' };

  const targetUri = UserAgent.makeURI(uri);
  if (!targetUri) throw new Error(`bad peer uri ${uri}`);
  const ua = new UserAgent({
    uri: targetUri,
    displayName: options.displayName ?? `Peer ${options.user}`,
    authorizationUsername: options.password !== undefined ? options.user : undefined,
    authorizationPassword: options.password,
    transportConstructor: WsTransport,
    transportOptions: { server: options.wsUrl },
    reconnectionAttempts: 0,
    instanceIdAlwaysAdded: true,
    logBuiltinEnabled: false,
    logLevel: 'warn',
    logConnector: (level, category, _label, content) => {
      log.push(`${level} ${category}: ${content}`);
    },
    sessionDescriptionHandlerFactory: () => new FixedSdpHandler(),
    delegate: {
      onInvite: (invitation) => {
        const call = track(invitation, 'incoming');
        void handleIncoming(invitation, call);
      },
    },
  });

  const track = (session: Session, direction: 'incoming' | 'outgoing'): PeerCall => {
    const identity = session.remoteIdentity;
    const call: PeerCall = {
      direction,
      session,
      remoteDisplayName: identity.displayName,
      remoteUser: identity.uri.user ?? '',
      state: session.state,
      infos: [],
      reinviteDirections: [],
      byeReceived: false,
      finalStatus: null,
      establishedAt: null,
      startedAt: performance.timeOrigin + performance.now(),
      async hangup() {
        if (session.state === SessionState.Established) await session.bye();
        else if (session instanceof Inviter && session.state === SessionState.Establishing) await session.cancel();
      },
    };
    session.stateChange.addListener((s) => {
      call.state = s;
      if (s === SessionState.Established) call.establishedAt = Date.now();
    });
    session.delegate = {
      onInfo: (info) => {
        call.infos.push({ contentType: info.request.getHeader('Content-Type') ?? '', body: info.request.body });
        void info.accept();
      },
      onBye: (bye) => {
        call.byeReceived = true;
        void bye.accept();
      },
      onInvite: (request) => {
        call.reinviteDirections.push(sdpDirection(request.body));
      },
    };
    calls.push(call);
    return call;
  };

  const handleIncoming = async (invitation: Invitation, _call: PeerCall): Promise<void> => {
    const b = incoming;
    try {
      if (b.mode === 'reject') {
        await invitation.reject({ statusCode: b.status });
      } else if (b.mode === 'ring') {
        await invitation.progress();
      } else {
        if (b.delayMs) {
          await invitation.progress();
          await new Promise((r) => setTimeout(r, b.delayMs));
        }
        if (invitation.state === SessionState.Initial || invitation.state === SessionState.Establishing) {
          await invitation.accept();
        }
      }
    } catch (err) {
      log.push(`error peer: incoming call handling failed: ${String(err)}`);
    }
  };

  await ua.start();
  const registerer = new Registerer(ua, { expires: 300 });
  // Held in an object: the delegate sets it from a callback the compiler cannot follow.
  const rejection: { status: number | null } = { status: null };
  await registerer.register({
    requestDelegate: {
      onReject: (response) => {
        rejection.status = response.message.statusCode ?? 0;
      },
    },
  });
  try {
    await pollUntil(`peer ${options.user} registered`, () => registerer.state === RegistererState.Registered || rejection.status !== null, 5000);
  } catch (err) {
    await ua.stop().catch(() => undefined);
    throw err;
  }
  if (rejection.status !== null) {
    await ua.stop().catch(() => undefined);
    throw new Error(`peer ${options.user}: REGISTER rejected with ${String(rejection.status)}`);
  }

  return {
    user: options.user,
    uri,
    calls,
    log,
    setIncoming(b) {
      incoming = b;
    },
    async call(target, extraHeaders = []) {
      const targetText = target.startsWith('sip:') ? target : `sip:${target}@${domain}`;
      const to = UserAgent.makeURI(targetText);
      if (!to) throw new Error(`bad target ${target}`);
      const inviter = new Inviter(ua, to, { extraHeaders });
      const call = track(inviter, 'outgoing');
      await inviter.invite({
        requestDelegate: {
          onReject: (response) => {
            call.finalStatus = response.message.statusCode ?? null;
          },
          onAccept: (response) => {
            call.finalStatus = response.message.statusCode ?? null;
          },
        },
      });
      return call;
    },
    waitForCall(after, timeoutMs = 5000) {
      return pollUntil(`peer ${options.user}: call #${after + 1}`, () => calls[after], timeoutMs);
    },
    async waitForState(call, state, timeoutMs = 5000) {
      await pollUntil(`peer ${options.user}: call ${state} (is ${call.state})`, () => call.state === state, timeoutMs);
    },
    async reconnect(timeoutMs = 5000) {
      const t0 = Date.now();
      for (;;) {
        try {
          await ua.transport.connect();
          break;
        } catch (err) {
          if (Date.now() - t0 > timeoutMs) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      const before = registerer.state;
      let accepted = false;
      await registerer.register({
        requestDelegate: {
          onAccept: () => {
            accepted = true;
          },
        },
      });
      await pollUntil(`peer ${options.user} registered again (was ${before})`, () => accepted, Math.max(500, timeoutMs - (Date.now() - t0)));
    },
    async watchDialog(target) {
      const to = UserAgent.makeURI(target.startsWith('sip:') ? target : `sip:${target}@${domain}`);
      if (!to) throw new Error(`bad target ${target}`);
      const bodies: string[] = [];
      const subscriber = new Subscriber(ua, to, 'dialog', { expires: 120 });
      subscriber.delegate = {
        onNotify: (notification) => {
          bodies.push(notification.request.body);
          void notification.accept();
        },
      };
      subscribers.push(subscriber);
      await subscriber.subscribe();
      return bodies;
    },
    async stop() {
      for (const s of subscribers) {
        try {
          await s.unsubscribe();
        } catch {
          // the server may be gone already
        }
      }
      for (const c of calls) {
        try {
          await c.hangup();
        } catch {
          // already ending
        }
      }
      try {
        await registerer.unregister();
        await pollUntil('peer unregistered', () => registerer.state !== RegistererState.Registered, 2000);
      } catch {
        // the server may be gone already
      }
      try {
        await ua.stop();
      } catch {
        // already stopped
      }
    },
  };
}
