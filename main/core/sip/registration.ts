// The account's registration: one sip.js UserAgent over one WebSocket, and the state the user
// sees (AccountStatus). Reconnecting is ours, not sip.js's (its reconnectionAttempts stays 0), so
// that every moment has a known state: connecting, registering, registered, waiting-to-retry with
// a retryAt, or failed with a reason that only the user can clear.
import { Core, Registerer, RegistererState, RequestPendingError, SIPExtension, TransportState, UserAgent, UserAgentState } from 'sip.js';
import type { Invitation, SessionDescriptionHandlerFactory } from 'sip.js';
import type { AccountSettings, AccountStatus } from '../../../preload/contract.ts';
import { AppError, messageOf } from '../errors.ts';
import { plainText } from '../plain-text.ts';
import type { Clock, Logger } from '../ports.ts';
import { isAccountConfigured } from '../settings/settings-defaults.ts';
import { isValidWsUrl, parseSipUri } from '../settings/settings-validation.ts';
import { settleWithin } from '../time-bounds.ts';
import type { CoreTiming } from '../timing.ts';
import { backoffDelay } from './backoff.ts';
import { badRequestResponse } from './bad-request.ts';
import { KeepAlive } from './keep-alive.ts';
import { MessageWaiting } from './message-waiting.ts';
import { classifyRegisterFailure } from './register-outcome.ts';
import type { AccountError } from './register-outcome.ts';
import { sipLogConnector, silentSipLogger } from './sip-logging.ts';
import { installWebSocketGlobal } from './websocket-global.ts';

/** The binding we ask for; sip.js refreshes it before it runs out. */
export const REGISTER_EXPIRES_S = 300;
// Refresh at 85 % (255 s): a refresh that times out (32 s) still lands before the binding expires.
const REFRESH_PERCENT = 85;

export interface RegistrationOptions {
  /** The account this registration is for (its id in settings). */
  accountId: string;
  clock: Clock;
  logger: Logger;
  timing: CoreTiming;
  /** Jitter source, [0, 1). */
  random: () => number;
  userAgentString: string;
  sessionDescriptionHandlerFactory: SessionDescriptionHandlerFactory;
  onStatus: (status: AccountStatus) => void;
  onInvite: (invitation: Invitation) => void;
  /**
   * Registered again after the connection had been lost, or proven after the machine resumed or
   * the network changed: live calls need an ICE restart (their media path may be gone).
   */
  onRecovered?: () => void;
  /** The connection was lost (dropped, or silent): live calls wait for it to come back. */
  onConnectionLost?: () => void;
  /** The account has calls in progress: retries come sooner. */
  hasLiveCalls?: () => boolean;
  /**
   * An UPDATE arrived (sip.js itself answers every UPDATE 405): true when it was taken and
   * answered through `reply`.
   */
  onUpdate?: (message: Core.IncomingRequestMessage, reply: (statusCode: number) => void) => boolean;
}

interface AccountConfig {
  account: AccountSettings;
  password: string | null;
}

interface RegisterResponse {
  callId: string;
  cseq: number;
  status: number;
}

function unconfigured(accountId: string, label: string): AccountStatus {
  return { accountId, label, state: 'unconfigured', aor: null, error: null, retryAt: null, attempts: 0, voicemail: null };
}

/** What the user calls the account: its label, else its address of record. */
function labelOf(account: AccountSettings, aor: string | null): string {
  return account.label.trim() || aor || account.sipUri.trim();
}

/** An error as the status's detail: it may quote the server, so it is made plain and short. */
function detailOf(err: unknown): string {
  return plainText(messageOf(err), 200);
}

function aorOf(account: AccountSettings): string | null {
  if (!isAccountConfigured(account)) return null;
  return parseSipUri(account.sipUri)?.toString() ?? (plainText(account.sipUri, 1024) || null);
}

/** What decides the user agent: a change to any of these needs a new one. */
function identityKey(config: AccountConfig): string {
  const { wsUrl, sipUri, authUser, displayName } = config.account;
  return JSON.stringify([wsUrl, sipUri, authUser, displayName, config.password]);
}

// The display name goes into a quoted string in From; the auth user into username="…".
function quotedSafe(value: string): string {
  return plainText(value, 256).replace(/["\\]/g, (c) => `\\${c}`);
}

export class Registration {
  private state: AccountStatus;
  private config: AccountConfig | null = null;
  private configKey = '';
  private ua: UserAgent | null = null;
  private registerer: Registerer | null = null;
  /** The user wants the account registered (start with registerOnStart, or `account:register`). */
  private desired = false;
  /** Bumped whenever an attempt is superseded; callbacks of older attempts compare and stop. */
  private generation = 0;
  private retryTimer: unknown = null;
  private registerTimer: unknown = null;
  /** The connection was lost since the last successful REGISTER. */
  private lostConnectionFlag = false;
  /** The network changed under a live registration (resume, online): calls restart ICE once it is proven. */
  private networkMoved = false;
  private stopped = false;
  /** The voicemail subscription was made on the current user agent. */
  private mwiSubscribed = false;
  private badMessages = 0;
  private readonly registerResponses: RegisterResponse[] = [];
  private readonly parserLogger = silentSipLogger();
  private queue: Promise<unknown> = Promise.resolve();
  /** Proves the connection while registered. */
  private readonly keepAlive: KeepAlive;
  /** The account's voicemail count (MWI): subscribed once registered. */
  private readonly messageWaiting: MessageWaiting;

  constructor(private readonly options: RegistrationOptions) {
    this.state = unconfigured(options.accountId, '');
    this.messageWaiting = new MessageWaiting({
      logger: options.logger,
      onChange: (voicemail) => {
        this.update({ voicemail });
      },
    });
    this.keepAlive = new KeepAlive({
      clock: options.clock,
      logger: options.logger,
      intervalMs: options.timing.keepAliveIntervalMs,
      timeoutMs: options.timing.keepAliveTimeoutMs,
      onSilent: (detail) => {
        this.onConnectionSilent(detail);
      },
    });
  }

  /** Set when the connection is lost; the first loss since the last REGISTER tells the calls. */
  private get lostConnection(): boolean {
    return this.lostConnectionFlag;
  }

  private set lostConnection(lost: boolean) {
    const news = lost && !this.lostConnectionFlag;
    this.lostConnectionFlag = lost;
    if (!news) return;
    try {
      this.options.onConnectionLost?.();
    } catch (err) {
      this.options.logger.error('registration: connection-lost listener failed', err);
    }
  }

  get status(): AccountStatus {
    return { ...this.state, error: this.state.error ? { ...this.state.error } : null };
  }

  get isRegistered(): boolean {
    return this.state.state === 'registered';
  }

  /** The account's settings as last configured (null before the first configure). */
  get account(): AccountSettings | null {
    return this.config?.account ?? null;
  }

  /** The current user agent (null until the first attempt, or when unconfigured). */
  get userAgent(): UserAgent | null {
    return this.ua;
  }

  /** True when this account and password are what the user agent already uses. */
  isCurrent(account: AccountSettings, password: string | null): boolean {
    return this.config !== null && identityKey({ account, password }) === this.configKey;
  }

  /**
   * Takes the account from settings. A changed address, user, name or password replaces the
   * user agent (the old one unregisters first); the caller then decides whether to register.
   * Returns true when the account changed.
   */
  configure(account: AccountSettings, password: string | null): Promise<boolean> {
    return this.serially(() => this.applyConfig(account, password));
  }

  private async applyConfig(account: AccountSettings, password: string | null): Promise<boolean> {
    const config: AccountConfig = { account: structuredClone(account), password };
    const key = identityKey(config);
    const aor = aorOf(account);
    if (this.config && key === this.configKey) {
      // The label, dtmfMode, iceServers and registerOnStart need no new user agent.
      this.config = config;
      this.update({ label: labelOf(account, aor) });
      return false;
    }
    await this.shutdownUserAgent();
    this.config = config;
    this.configKey = key;
    const id = this.options.accountId;
    this.update(
      aor === null
        ? unconfigured(id, labelOf(account, aor))
        : { accountId: id, label: labelOf(account, aor), state: 'unregistered', aor, error: null, retryAt: null, attempts: 0, voicemail: null },
      true,
    );
    return true;
  }

  /** `account:register`: the user asks; this also clears a 'failed' state. */
  register(): AccountStatus {
    if (this.stopped) return this.status;
    if (!this.config || this.state.state === 'unconfigured') {
      throw new AppError('not-configured', 'no account is configured');
    }
    if (this.desired && (this.state.state === 'connecting' || this.state.state === 'registering')) {
      return this.status; // already on its way
    }
    this.desired = true;
    // Quietly: the attempt publishes its first state (connecting, registering or failed) itself.
    this.state = { ...this.state, attempts: 0, error: null };
    this.startAttempt();
    return this.status;
  }

  /** `account:unregister`: removes the binding (bounded in time) and stops retrying. */
  async unregister(): Promise<AccountStatus> {
    if (!this.config || this.state.state === 'unconfigured') return this.status;
    this.desired = false;
    const generation = ++this.generation;
    this.clearTimers();
    const registerer = this.registerer;
    if (this.state.state === 'registered' && registerer && this.ua?.transport.isConnected()) {
      this.update({ state: 'unregistering', retryAt: null });
      await settleWithin(this.sendUnregister(registerer), this.options.timing.unregisterTimeoutMs, this.options.clock);
    }
    // A register() during the un-REGISTER has taken over; leave its registerer alone.
    if (generation !== this.generation) return this.status;
    // A REGISTER still in flight is handled by dispose: sip.js unregisters once it is answered.
    this.dropRegisterer();
    this.update({ state: 'unregistered', error: null, retryAt: null, attempts: 0 });
    return this.status;
  }

  /** The machine resumed or came online: skip any backoff; when registered, prove it. */
  networkChanged(reason: 'resume' | 'online'): void {
    if (this.stopped || !this.desired) return;
    const ua = this.ua;
    switch (this.state.state) {
      case 'waiting-to-retry':
        this.options.logger.info(`registration: ${reason}, retrying now`);
        this.startAttempt();
        return;
      case 'registered':
        if (!ua?.transport.isConnected()) {
          this.lostConnection = true;
          this.dropRegisterer();
          this.startAttempt();
          return;
        }
        // The socket may be dead without knowing it (sleep, a new network): a REGISTER proves it;
        // if it goes unanswered the timeout reconnects. Either way the calls' media path may have
        // changed: they restart ICE once the account is proven.
        this.networkMoved = true;
        this.sendRegister(++this.generation, ua, true);
        return;
      default:
        return;
    }
  }

  /** Unregisters (bounded) and stops the user agent (bounded); nothing restarts afterwards. */
  stop(): Promise<void> {
    return this.serially(async () => {
      if (this.stopped) return;
      await this.shutdownUserAgent();
      this.keepAlive.stop();
      this.stopped = true;
    });
  }

  /** Account changes and stop() take turns: two saves in a row must not race two user agents. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  // -------------------------------------------------------------------------------------------
  // Attempts

  private startAttempt(): void {
    this.attempt().catch((err: unknown) => {
      this.options.logger.error('registration: attempt failed unexpectedly', err);
    });
  }

  private async attempt(): Promise<void> {
    const generation = ++this.generation;
    this.clearTimers();
    const config = this.config;
    if (!config || !this.desired || this.stopped) return;
    if (!isValidWsUrl(config.account.wsUrl)) {
      this.fail({ code: 'invalid-ws-url' });
      return;
    }
    if (!parseSipUri(config.account.sipUri)) {
      this.fail({ code: 'invalid-sip-uri' });
      return;
    }
    let ua: UserAgent;
    try {
      ua = this.ensureUserAgent(config);
    } catch (err) {
      // sip.js refused what our own checks let through: treat it as a bad server address.
      this.fail({ code: 'invalid-ws-url', detail: detailOf(err) });
      return;
    }
    if (!ua.transport.isConnected()) {
      this.update({ state: 'connecting', retryAt: null });
      try {
        if (ua.state === UserAgentState.Started) await ua.transport.connect();
        else await ua.start();
      } catch (err) {
        if (generation !== this.generation) return;
        this.lostConnection = true;
        this.retryLater({ code: 'unreachable', detail: detailOf(err) });
        return;
      }
      if (generation !== this.generation) return;
    }
    this.sendRegister(generation, ua, false);
  }

  /** Sends REGISTER with a bound on its answer. `quiet` keeps the state (a refresh). */
  private sendRegister(generation: number, ua: UserAgent, quiet: boolean): void {
    if (!quiet) this.update({ state: 'registering', retryAt: null });
    this.registerer ??= this.newRegisterer(ua);
    const registerer = this.registerer;
    this.clearRegisterTimer();
    this.registerTimer = this.options.clock.setTimeout(() => {
      this.registerTimer = null;
      if (generation !== this.generation) return;
      this.abort({ code: 'timeout', detail: `no answer to REGISTER within ${this.options.timing.registerTimeoutMs} ms` });
    }, this.options.timing.registerTimeoutMs);
    const current = (): boolean => generation === this.generation && this.registerer === registerer;
    const onFinal = (response: Core.IncomingResponse): void => {
      if (!current()) return;
      this.clearRegisterTimer();
      this.onRegisterRejected(response.message);
    };
    try {
      registerer
        .register({
          requestDelegate: {
            onAccept: () => {
              if (current()) this.onRegisterAccepted(registerer);
            },
            onReject: onFinal,
            onRedirect: onFinal,
          },
        })
        .catch((err: unknown) => {
          if (!current()) return;
          this.clearRegisterTimer();
          if (err instanceof RequestPendingError) {
            // A refresh: sip.js's own is in flight and its outcome arrives through the watcher.
            if (quiet) return;
            // An attempt: the old registerer is still busy (an un-REGISTER); start a fresh one.
            this.dropRegisterer();
            this.sendRegister(generation, ua, false);
            return;
          }
          this.abort({ code: 'unreachable', detail: detailOf(err) });
        });
    } catch (err) {
      this.clearRegisterTimer();
      this.abort({ code: 'unreachable', detail: detailOf(err) });
    }
  }

  /** Our outstanding REGISTER went through: through its delegate, or sip.js's own retry after a 423. */
  private onRegisterAccepted(registerer: Registerer): void {
    if (this.registerTimer === null || this.registerer !== registerer) return;
    this.clearRegisterTimer();
    this.onRegistered();
  }

  private onRegistered(): void {
    const reconnected = this.lostConnection;
    const recovered = reconnected || this.networkMoved;
    this.lostConnection = false;
    this.networkMoved = false;
    this.update({ state: 'registered', error: null, retryAt: null, attempts: 0 });
    // First registration, or again after the connection was lost (the server may have forgotten
    // the subscription): subscribe to the voicemail count.
    if ((reconnected || !this.mwiSubscribed) && this.ua) {
      this.mwiSubscribed = true;
      this.messageWaiting.subscribe(this.ua);
    }
    if (recovered) {
      try {
        this.options.onRecovered?.();
      } catch (err) {
        this.options.logger.error('registration: recovery listener failed', err);
      }
    }
  }

  private onRegisterRejected(message: Core.IncomingResponseMessage): void {
    const status = message.statusCode ?? 0;
    const verdict = classifyRegisterFailure(status, {
      hasPassword: Boolean(this.config?.password),
      credentialsSent: this.followedChallenge(message.callId, message.cseq),
      transportConnected: this.ua?.transport.isConnected() ?? false,
    });
    this.options.logger.warn(`registration: REGISTER answered ${status} -> ${verdict.action} ${verdict.error.code}`);
    if (verdict.action === 'fail') {
      this.fail(verdict.error);
      return;
    }
    // 500/503 may say when to come back; the cap still holds so recovery stays within bounds.
    const retryAfter = Number.parseInt(message.getHeader('retry-after') ?? '', 10);
    const minDelay = Number.isFinite(retryAfter) ? Math.min(retryAfter * 1000, this.options.timing.retryMaxMs) : 0;
    this.retryLater(verdict.error, minDelay);
  }

  /** True when the previous REGISTER of this dialog (CSeq - 1) was challenged: sip.js answered it with credentials. */
  private followedChallenge(callId: string, cseq: number): boolean {
    return this.registerResponses.some((r) => r.callId === callId && r.cseq === cseq - 1 && (r.status === 401 || r.status === 407));
  }

  /** Gives up on the current attempt: drops the socket (it is not trustworthy) and retries. */
  private abort(error: AccountError): void {
    this.generation++;
    this.clearRegisterTimer();
    this.lostConnection = true;
    const ua = this.ua;
    if (ua && ua.transport.state !== TransportState.Disconnected) {
      ua.transport.disconnect().catch((err: unknown) => {
        this.options.logger.debug('registration: disconnect failed', err);
      });
    }
    this.dropRegisterer();
    this.retryLater(error);
  }

  private retryLater(error: AccountError, minDelayMs = 0): void {
    this.clearTimers();
    if (!this.desired || this.stopped) return;
    const attempts = this.state.attempts + 1;
    const { retryInitialMs, retryMaxMs, retryWithCallsMaxMs, retryJitter } = this.options.timing;
    const maxMs = this.options.hasLiveCalls?.() === true ? Math.min(retryMaxMs, retryWithCallsMaxMs) : retryMaxMs;
    const delay = Math.max(
      Math.min(minDelayMs, maxMs),
      backoffDelay(attempts, { initialMs: Math.min(retryInitialMs, maxMs), maxMs, jitter: retryJitter }, this.options.random),
    );
    this.update({ state: 'waiting-to-retry', error, retryAt: this.options.clock.now() + delay, attempts });
    this.retryTimer = this.options.clock.setTimeout(() => {
      this.retryTimer = null;
      this.startAttempt();
    }, delay);
  }

  /** Stops for good until the user saves settings or asks to register. */
  private fail(error: AccountError): void {
    this.generation++;
    this.clearTimers();
    this.desired = false;
    this.update({ state: 'failed', error, retryAt: null, attempts: this.state.attempts + 1 });
  }

  // -------------------------------------------------------------------------------------------
  // The user agent

  private ensureUserAgent(config: AccountConfig): UserAgent {
    if (this.ua) return this.ua;
    installWebSocketGlobal();
    const uri = parseSipUri(config.account.sipUri);
    if (!uri) throw new Error('invalid SIP URI');
    const password = config.password ?? '';
    const displayName = quotedSafe(config.account.displayName);
    const authUser = quotedSafe(config.account.authUser);
    let created: UserAgent | null = null;
    const ua = new UserAgent({
      uri,
      displayName: displayName === '' ? undefined : displayName,
      authorizationUsername: authUser === '' ? undefined : authUser,
      authorizationPassword: password === '' ? undefined : password,
      transportOptions: {
        server: config.account.wsUrl,
        connectionTimeout: this.options.timing.connectTimeoutMs / 1000,
        traceSip: false,
      },
      // reconnectionAttempts is left at sip.js's default, 0 (setting it logs a deprecation):
      // sip.js never reconnects by itself, this class does.
      sessionDescriptionHandlerFactory: this.options.sessionDescriptionHandlerFactory,
      // An INVITE with Replaces (the far end of an attended transfer) finds its dialog here.
      sipExtensionReplaces: SIPExtension.Supported,
      // 180 Ringing goes out when the call service has decided the call rings here: a call that
      // do not disturb, forwarding or a full set of lines refuses gets its final answer without
      // the caller hearing it ring first.
      sendInitialProvisionalResponse: false,
      // +sip.instance on REGISTER: a registrar with GRUU (RFC 5627) gives us one, and our dialogs
      // use it as Contact, so the far end's in-dialog requests find us on a new connection after
      // a reconnect (a Contact tied to the old WebSocket would not).
      instanceIdAlwaysAdded: true,
      delegate: {
        onInvite: (invitation) => {
          if (created !== this.ua) {
            this.refuseInvite(invitation, 480);
            return;
          }
          // sip.js calls this from inside its own message handling: a throw here would escape
          // into its transport and leave the INVITE unanswered. The caller hears 500 instead.
          try {
            this.options.onInvite(invitation);
          } catch (err) {
            this.options.logger.error('registration: an incoming INVITE could not be handled; answered 500', err);
            this.refuseInvite(invitation, 500);
          }
        },
        onDisconnect: (error) => {
          if (created) this.onDisconnect(created, error);
        },
        // Out of dialog: a PBX's unsolicited message-summary (voicemail count).
        onNotify: (notification) => {
          if (created !== this.ua) {
            notification.reject({ statusCode: 481 }).catch(() => undefined);
            return;
          }
          this.messageWaiting.onNotify(notification);
        },
      },
      logLevel: 'warn',
      logBuiltinEnabled: false,
      logConfiguration: false,
      logConnector: sipLogConnector(this.options.logger),
      userAgentString: this.options.userAgentString,
    });
    created = ua;
    this.keepAlive.reset();
    // Without a password, a challenge is not answered (sip.js would send a digest of nothing):
    // the 401 comes straight back and is reported as 'no-password'.
    if (password === '') ua.userAgentCore.configuration.authenticationFactory = () => undefined;
    this.tapMessages(ua);
    this.ua = ua;
    return ua;
  }

  private newRegisterer(ua: UserAgent): Registerer {
    const registerer = new Registerer(ua, {
      expires: REGISTER_EXPIRES_S,
      refreshFrequency: REFRESH_PERCENT,
      logConfiguration: false,
    });
    registerer.stateChange.addListener((state) => {
      if (state === RegistererState.Registered) {
        // sip.js answers 423 Interval Too Brief itself (it raises expires and registers again)
        // without our request delegate: then this is the only sign that our REGISTER went through.
        this.onRegisterAccepted(registerer);
        return;
      }
      if (state !== RegistererState.Unregistered) return;
      // sip.js reports a reject by changing state first and calling our delegate right after;
      // look once the delegate has had its say.
      queueMicrotask(() => {
        this.onRegistrationLost(registerer);
      });
    });
    return registerer;
  }

  /** sip.js's own refresh failed or the binding expired while we thought we were registered. */
  private onRegistrationLost(registerer: Registerer): void {
    if (this.registerer !== registerer || this.state.state !== 'registered' || !this.desired) return;
    const last = this.registerResponses.at(-1);
    if (last && last.status >= 300) {
      const verdict = classifyRegisterFailure(last.status, {
        hasPassword: Boolean(this.config?.password),
        credentialsSent: this.followedChallenge(last.callId, last.cseq),
        transportConnected: this.ua?.transport.isConnected() ?? false,
      });
      this.options.logger.warn(`registration: refresh answered ${last.status} -> ${verdict.action} ${verdict.error.code}`);
      if (verdict.action === 'fail') this.fail(verdict.error);
      else this.abort(verdict.error);
      return;
    }
    this.options.logger.warn('registration: the binding was lost without an answer');
    this.abort({ code: 'timeout', detail: 'refresh unanswered' });
  }

  /** The keep-alive went unanswered: the socket is dead without knowing it. */
  private onConnectionSilent(detail: string): void {
    if (this.state.state !== 'registered' || !this.desired || this.stopped) return;
    this.options.logger.warn(`registration: connection lost: ${detail}`);
    this.abort({ code: 'unreachable', detail });
  }

  private onDisconnect(ua: UserAgent, error: Error | undefined): void {
    // Without an error the disconnect was ours (abort, unregister, stop).
    if (ua !== this.ua || error === undefined) return;
    this.options.logger.warn(`registration: connection lost: ${detailOf(error)}`);
    this.lostConnection = true;
    this.generation++;
    // A REGISTER of ours in flight is stuck in its transaction: start over with a new registerer.
    // Otherwise the registerer is kept and simply registers again on the new socket (disposing a
    // registered one now would try an un-REGISTER over the dead socket).
    if (this.registerTimer !== null) this.dropRegisterer();
    this.clearRegisterTimer();
    if (!this.desired || this.stopped) {
      if (this.state.state === 'registered') this.update({ state: 'unregistered', retryAt: null });
      return;
    }
    this.retryLater({ code: 'unreachable', detail: detailOf(error) });
  }

  /**
   * Every inbound message passes here first. sip.js silently drops what it cannot parse, and an
   * exception from its handler would escape the socket's event listener and end the process:
   * both become 'bad-response' while a REGISTER is outstanding, and a log line otherwise.
   */
  private tapMessages(ua: UserAgent): void {
    const transport = ua.transport;
    const deliver = transport.onMessage;
    transport.onMessage = (raw: string) => {
      const firstLine = (): string => plainText(raw.split('\n', 1)[0] ?? '', 80);
      let message: Core.IncomingRequestMessage | Core.IncomingResponseMessage | undefined;
      try {
        // sip.js's parser itself throws on some malformed headers (e.g. "CSeq: banana").
        message = Core.Parser.parseMessage(raw, this.parserLogger);
      } catch {
        message = undefined;
      }
      if (!message) {
        this.answerUnparsable(ua, raw);
        this.onBadMessage(ua, `not SIP: "${firstLine()}"`);
        return;
      }
      if (message instanceof Core.IncomingRequestMessage && message.method === 'UPDATE' && this.takeUpdate(ua, message)) return;
      const registerResponse =
        message instanceof Core.IncomingResponseMessage && message.method === 'REGISTER' ? message.statusCode : undefined;
      if (registerResponse !== undefined) {
        this.registerResponses.push({ callId: message.callId, cseq: message.cseq, status: registerResponse });
        if (this.registerResponses.length > 8) this.registerResponses.shift();
      }
      try {
        deliver?.(raw);
      } catch (err) {
        this.onBadMessage(ua, `sip.js refused a message: ${detailOf(err)}`);
        return;
      }
      // sip.js accepts a 2xx synchronously; one it dropped (no binding for our contact, no
      // expires) leaves our REGISTER waiting: that registrar's answer is unusable.
      if (registerResponse !== undefined && registerResponse >= 200 && registerResponse < 300 && this.registerTimer !== null) {
        this.onBadMessage(ua, `2xx to REGISTER without our binding: "${firstLine()}"`);
      }
    };
  }

  /** A request sip.js cannot parse is answered 400 rather than left to time out at the sender. */
  private answerUnparsable(ua: UserAgent, raw: string): void {
    const response = badRequestResponse(raw, this.options.userAgentString);
    if (response === null) return;
    ua.transport.send(response).catch((err: unknown) => {
      this.options.logger.debug(`registration: 400 to an unreadable request not sent: ${messageOf(err)}`);
    });
  }

  private takeUpdate(ua: UserAgent, message: Core.IncomingRequestMessage): boolean {
    const handler = this.options.onUpdate;
    if (!handler) return false;
    try {
      return handler(message, (statusCode) => {
        const response = Core.constructOutgoingResponse(message, { statusCode, userAgent: this.options.userAgentString });
        ua.transport.send(response.message).catch((err: unknown) => {
          this.options.logger.debug(`registration: answer to an UPDATE not sent: ${messageOf(err)}`);
        });
      });
    } catch (err) {
      this.options.logger.error('registration: an UPDATE could not be handled', err);
      return false;
    }
  }

  private onBadMessage(ua: UserAgent, detail: string): void {
    if (ua !== this.ua) return;
    this.badMessages++;
    const waitingForAnswer =
      this.state.state === 'connecting' || this.state.state === 'registering' || this.registerTimer !== null;
    if (waitingForAnswer && this.desired) {
      this.options.logger.warn(`registration: bad response from the server: ${detail}`);
      this.abort({ code: 'bad-response', detail });
      return;
    }
    // Outside a REGISTER a stray bad message does not end a working registration; a flood is
    // logged sparsely.
    if (this.badMessages <= 3 || this.badMessages % 100 === 0) {
      this.options.logger.warn(`registration: ignored a bad message (${this.badMessages} so far): ${detail}`);
    }
  }

  /** Answers an INVITE with a final error in whatever state it is; never throws. */
  private refuseInvite(invitation: Invitation, statusCode: number): void {
    const log = (err: unknown): void => {
      this.options.logger.debug(`registration: ${statusCode} to an INVITE not sent: ${messageOf(err)}`);
    };
    try {
      invitation.reject({ statusCode }).catch(log);
    } catch (err) {
      log(err);
    }
  }

  private sendUnregister(registerer: Registerer): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        resolve();
      };
      try {
        registerer
          .unregister({ requestDelegate: { onAccept: done, onReject: done, onRedirect: done } })
          .catch(done);
      } catch {
        done();
      }
    });
  }

  private dropRegisterer(): void {
    const registerer = this.registerer;
    this.registerer = null;
    if (!registerer) return;
    // dispose() unregisters only a live binding and waits for an outstanding REGISTER first.
    registerer.dispose().catch((err: unknown) => {
      this.options.logger.debug('registration: registerer dispose failed', err);
    });
  }

  private async shutdownUserAgent(): Promise<void> {
    this.desired = false;
    this.generation++;
    this.clearTimers();
    const ua = this.ua;
    if (!ua) return;
    const registerer = this.registerer;
    if (this.state.state === 'registered' && registerer && ua.transport.isConnected()) {
      this.update({ state: 'unregistering', retryAt: null });
      await settleWithin(this.sendUnregister(registerer), this.options.timing.unregisterTimeoutMs, this.options.clock);
    }
    this.dropRegisterer();
    this.messageWaiting.stop();
    this.mwiSubscribed = false;
    this.ua = null;
    const outcome = await settleWithin(
      ua.stop().catch((err: unknown) => {
        this.options.logger.debug('registration: user agent stop failed', err);
      }),
      this.options.timing.stopTimeoutMs,
      this.options.clock,
    );
    if (outcome === 'timeout') this.options.logger.warn('registration: the user agent did not stop in time');
    if (this.state.state !== 'unconfigured') this.update({ state: 'unregistered', retryAt: null });
  }

  // -------------------------------------------------------------------------------------------

  private clearRegisterTimer(): void {
    if (this.registerTimer !== null) {
      this.options.clock.clearTimeout(this.registerTimer);
      this.registerTimer = null;
    }
  }

  private clearTimers(): void {
    this.clearRegisterTimer();
    if (this.retryTimer !== null) {
      this.options.clock.clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
  }

  /** Applies a change and publishes it (only when something changed, unless forced). */
  private update(patch: Partial<AccountStatus>, force = false): void {
    const next: AccountStatus = { ...this.state, ...patch };
    if (next.state !== 'waiting-to-retry') next.retryAt = null;
    const changed = JSON.stringify(next) !== JSON.stringify(this.state);
    this.state = next;
    // Every state passes here, so the connection is watched exactly while registered.
    if (next.state === 'registered' && this.ua) this.keepAlive.start(this.ua.transport);
    else this.keepAlive.stop();
    if (changed || force) this.options.onStatus(this.status);
  }
}
