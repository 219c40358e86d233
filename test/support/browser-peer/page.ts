// A plain sip.js softphone in a browser page: the far end of end-to-end calls. It registers as its
// own extension, answers or places calls with real WebRTC audio, and reports what it saw.
import { Invitation, Inviter, Registerer, RegistererState, SessionState, SIPExtension, UserAgent, type Session } from 'sip.js';

const wallNow = (): number => performance.timeOrigin + performance.now();

interface PeerEvent {
  t: number;
  name: string;
  detail?: string;
}

const state = {
  ua: undefined as UserAgent | undefined,
  registerer: undefined as Registerer | undefined,
  session: undefined as Session | undefined,
  invites: [] as { t: number; from: string; displayName: string }[],
  infos: [] as string[],
  offers: [] as string[],
  events: [] as PeerEvent[],
  autoAnswer: false,
  audio: new Audio(),
  /** The track taken off the sender by stopSending(true). */
  stoppedTrack: null as MediaStreamTrack | null,
  /** Calls placed because this phone was transferred (REFER). */
  transfers: 0,
  /** Calls that replaced another (INVITE with Replaces), answered at once. */
  replaced: 0,
};

function ev(name: string, detail?: string): void {
  state.events.push({ t: wallNow(), name, detail });
}

function peerConnection(): RTCPeerConnection | undefined {
  const sdh = state.session?.sessionDescriptionHandler as { peerConnection?: RTCPeerConnection } | undefined;
  return sdh?.peerConnection;
}

function attach(session: Session): void {
  state.session = session;
  session.stateChange.addListener((s) => {
    ev(`state:${s}`);
    if (s === SessionState.Established) {
      const pc = peerConnection();
      const stream = new MediaStream();
      pc?.getReceivers().forEach((r) => {
        stream.addTrack(r.track);
      });
      state.audio.srcObject = stream;
      state.audio.play().catch(() => undefined);
    }
  });
  session.delegate = {
    // Transferred (REFER): accept and call the target, as a softphone does; the new call becomes
    // this phone's call, and the transferor ends the old one.
    onRefer(referral) {
      ev('refer', referral.referTo.uri.toString());
      void referral.accept().then(() => {
        const inviter = referral.makeInviter({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
        state.transfers += 1;
        attach(inviter);
        void inviter.invite();
      });
    },
    onInfo(info) {
      state.infos.push(info.request.body);
      void info.accept();
    },
    onInvite(request, response, statusCode) {
      ev('reinvite', `${statusCode}`);
      state.offers.push(request.body);
    },
  };
}

const api = {
  async start(opts: { user: string; wsUrl: string; password?: string; displayName?: string }): Promise<void> {
    const warm = await navigator.mediaDevices.getUserMedia({ audio: true });
    warm.getTracks().forEach((t) => {
      t.stop();
    });
    const uri = UserAgent.makeURI(`sip:${opts.user}@127.0.0.1`);
    if (!uri) throw new Error('bad uri');
    const ua = new UserAgent({
      uri,
      displayName: opts.displayName ?? `Peer ${opts.user}`,
      authorizationUsername: opts.password ? opts.user : undefined,
      authorizationPassword: opts.password,
      transportOptions: { server: opts.wsUrl },
      sipExtensionReplaces: SIPExtension.Supported,
      // +sip.instance: the proxy gives a GRUU, so calls survive a reconnect (see reconnect()).
      instanceIdAlwaysAdded: true,
      sessionDescriptionHandlerFactoryOptions: {
        peerConnectionConfiguration: { iceServers: [], rtcpMuxPolicy: 'require' },
        iceGatheringTimeout: 500,
      },
      logLevel: 'error',
      delegate: {
        onInvite(invitation: Invitation) {
          const from = invitation.remoteIdentity.uri.user ?? '';
          state.invites.push({ t: wallNow(), from, displayName: invitation.remoteIdentity.displayName });
          state.offers.push(invitation.request.body);
          attach(invitation);
          // An attended transfer's caller replaces our call with the transferor: answered at once
          // (sip.js ends the replaced call).
          if (invitation.replacee) {
            state.replaced += 1;
            void invitation.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
            return;
          }
          if (state.autoAnswer) void api.answer();
        },
      },
    });
    state.ua = ua;
    await ua.start();
    const registerer = new Registerer(ua, { expires: 300 });
    state.registerer = registerer;
    const registered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error('peer: register timeout'));
      }, 5000);
      registerer.stateChange.addListener((s) => {
        if (s === RegistererState.Registered) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await registerer.register();
    await registered;
  },
  /** After the server came back: a new connection and a new REGISTER, as a softphone reconnects. */
  async reconnect(): Promise<void> {
    const ua = state.ua;
    const registerer = state.registerer;
    if (!ua || !registerer) throw new Error('not started');
    const t0 = Date.now();
    for (;;) {
      try {
        await ua.reconnect();
        break;
      } catch (err) {
        if (Date.now() - t0 > 5000) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error('peer: register timeout after reconnect'));
      }, 5000);
      void registerer.register({
        requestDelegate: {
          onAccept: () => {
            clearTimeout(timer);
            resolve();
          },
        },
      });
    });
  },
  setAutoAnswer(on: boolean): void {
    state.autoAnswer = on;
  },
  async answer(): Promise<void> {
    const s = state.session;
    if (!(s instanceof Invitation)) throw new Error('no invitation to answer');
    await s.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
  },
  async reject(statusCode: number): Promise<void> {
    const s = state.session;
    if (!(s instanceof Invitation)) throw new Error('no invitation to reject');
    await s.reject({ statusCode });
  },
  async call(target: string, extraHeaders: string[] = []): Promise<void> {
    if (!state.ua) throw new Error('not started');
    const uri = UserAgent.makeURI(`sip:${target}@127.0.0.1`);
    if (!uri) throw new Error('bad target');
    const inviter = new Inviter(state.ua, uri, {
      extraHeaders,
      sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } },
    });
    attach(inviter);
    await inviter.invite();
  },
  async hangup(): Promise<void> {
    const s = state.session;
    if (!s) return;
    if (s.state === SessionState.Established) await s.bye();
    else if (s instanceof Inviter) await s.cancel();
    else if (s instanceof Invitation) await s.reject();
  },
  /** Puts the call on hold (a=sendonly re-INVITE) or resumes it, as a softphone's hold button. */
  async hold(on: boolean): Promise<void> {
    const s = state.session;
    if (!s || s.state !== SessionState.Established) throw new Error('no established call');
    await new Promise<void>((resolve, reject) => {
      void s
        .invite({
          sessionDescriptionHandlerOptions: { hold: on } as never,
          requestDelegate: {
            onAccept: () => {
              resolve();
            },
            onReject: (r) => {
              reject(new Error(`hold re-INVITE answered ${r.message.statusCode ?? 0}`));
            },
          },
        })
        .catch(reject);
    });
  },
  sessionState(): string {
    return state.session?.state ?? 'none';
  },
  /** What this phone received and sent; audioEnergy is the inbound audio's total energy (what was heard). */
  async stats(): Promise<{ bytesReceived: number; bytesSent: number; direction: string | null; audioEnergy: number }> {
    const pc = peerConnection();
    if (!pc) return { bytesReceived: 0, bytesSent: 0, direction: null, audioEnergy: 0 };
    const report = await pc.getStats();
    let bytesReceived = 0;
    let bytesSent = 0;
    let audioEnergy = 0;
    report.forEach((s: { type: string; kind?: string; bytesReceived?: number; bytesSent?: number; totalAudioEnergy?: number }) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        bytesReceived += s.bytesReceived ?? 0;
        audioEnergy += s.totalAudioEnergy ?? 0;
      }
      if (s.type === 'outbound-rtp' && s.kind === 'audio') bytesSent += s.bytesSent ?? 0;
    });
    const m = /a=(sendrecv|sendonly|recvonly|inactive)/.exec(pc.currentLocalDescription?.sdp ?? '');
    return { bytesReceived, bytesSent, direction: m?.[1] ?? null, audioEnergy };
  },
  /** Stops sending audio at all (no RTP, as a broken microphone path or a firewall would), or resumes. */
  async stopSending(on: boolean): Promise<void> {
    const sender = peerConnection()?.getSenders()[0];
    if (!sender) throw new Error('no sender');
    if (on) {
      state.stoppedTrack = sender.track;
      await sender.replaceTrack(null);
    } else {
      await sender.replaceTrack(state.stoppedTrack);
      state.stoppedTrack = null;
    }
  },
  /** Mutes this phone's microphone (the track keeps sending, silence). */
  mute(on: boolean): void {
    peerConnection()
      ?.getSenders()
      .forEach((sender) => {
        if (sender.track) sender.track.enabled = !on;
      });
  },
  invites: (): typeof state.invites => state.invites,
  transferCounts: (): { transfers: number; replaced: number } => ({ transfers: state.transfers, replaced: state.replaced }),
  infos: (): string[] => state.infos,
  offers: (): string[] => state.offers,
  events: (): PeerEvent[] => state.events,
  async stop(): Promise<void> {
    try {
      await state.registerer?.unregister();
    } catch {
      /* the server may be gone */
    }
    await state.ua?.stop();
  },
};

export type PeerApi = typeof api;
(window as unknown as { peer: PeerApi }).peer = api;
