// The one contract between main and every renderer, for both hosts (Electron IPC and the web
// host's WebSocket). Every command (renderer -> main, request/response) and every event
// (main -> renderer, push) is named here with a zod schema. Nothing else crosses the boundary.
//
// This file is imported by main, preload and the renderer, so it may import nothing but zod.
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Shared shapes

export const ErrorCode = z.enum([
  'invalid-argument', // the arguments did not match the schema
  'invalid-settings', // settings failed validation; details name the fields
  'unknown-command',
  'forbidden-sender', // the message came from a frame or socket we did not create
  'not-configured', // no account configured yet
  'not-registered',
  'invalid-number', // a dial target that is not a phone number or SIP URI
  'no-such-call',
  'no-such-device', // a headset id that is not (or no longer) listed or open
  'invalid-call-state', // e.g. answer on an outgoing call
  'media-unavailable', // no media engine is attached (renderer not ready)
  'media-failed',
  'secret-store-unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorInfo = z.object({
  code: ErrorCode,
  /** English, for logs and support; the UI shows its own catalog text for `code`. */
  message: z.string(),
  /** For invalid-settings: field path -> reason code (a catalog key under `settings.errors`). */
  fields: z.record(z.string(), z.string()).optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;

/**
 * Reason codes in ErrorInfo.fields for invalid-settings (field path -> one of these). The renderer
 * has catalog text for each under `settings.errors.<code>`; an unknown code shows a generic text.
 */
export const SettingsFieldError = z.enum(['required', 'invalid-ws-url', 'invalid-sip-uri', 'invalid-ice-url']);
export type SettingsFieldError = z.infer<typeof SettingsFieldError>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export const Locale = z.enum(['en', 'zh-CN']);
export type Locale = z.infer<typeof Locale>;

export const IceServer = z.object({
  urls: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

export const DtmfMode = z.enum(['rfc4733', 'info']);
export type DtmfMode = z.infer<typeof DtmfMode>;

/** The SIP account. The password is never part of it: it lives in the SecretStore. */
export const AccountSettings = z.object({
  wsUrl: z.string().max(2048),
  sipUri: z.string().max(1024),
  authUser: z.string().max(256),
  displayName: z.string().max(256),
  dtmfMode: DtmfMode,
  iceServers: z.array(IceServer).max(16),
  registerOnStart: z.boolean(),
});
export type AccountSettings = z.infer<typeof AccountSettings>;

/** Device ids as the media engine reports them; '' means the system default. */
export const AudioSettings = z.object({
  inputDeviceId: z.string().max(512),
  outputDeviceId: z.string().max(512),
  ringtoneDeviceId: z.string().max(512),
});
export type AudioSettings = z.infer<typeof AudioSettings>;

export const UiSettings = z.object({
  /** 'auto' follows the OS locale. */
  locale: z.union([z.literal('auto'), Locale]),
});

/** A USB device as the user knows it across replugs: vendor and product id, `0b0e:245e`. */
export const HeadsetKey = z.string().regex(/^[0-9a-f]{4}:[0-9a-f]{4}$/);
export type HeadsetKey = z.infer<typeof HeadsetKey>;

/** USB headsets and desk phones as call controls. */
export const HeadsetSettings = z.object({
  /** Off: no device is opened, whatever is plugged in. */
  enabled: z.boolean(),
  /** Devices the user switched off; every other telephony device is used. */
  ignored: z.array(HeadsetKey).max(64),
});
export type HeadsetSettings = z.infer<typeof HeadsetSettings>;

export const Settings = z.object({
  account: AccountSettings,
  audio: AudioSettings,
  ui: UiSettings,
  headsets: HeadsetSettings,
});
export type Settings = z.infer<typeof Settings>;

/** What the renderer sees of the settings: never the password, only whether one is stored. */
export const SettingsView = Settings.extend({ hasPassword: z.boolean() });
export type SettingsView = z.infer<typeof SettingsView>;

export const RegistrationState = z.enum([
  'unconfigured', // no account yet
  'unregistered', // configured, not registered (user unregistered, or never started)
  'connecting', // opening the WebSocket
  'registering', // REGISTER sent
  'registered',
  'unregistering',
  'waiting-to-retry', // the server went away; a retry is scheduled (retryAt)
  'failed', // stopped for good until the user acts (wrong credentials, invalid URL)
]);
export type RegistrationState = z.infer<typeof RegistrationState>;

export const RegistrationErrorCode = z.enum([
  'invalid-ws-url',
  'invalid-sip-uri',
  'unreachable', // WebSocket could not connect or dropped
  'wrong-credentials', // 401/403 after we sent credentials: we stop, never loop
  'rejected', // any other final error response to REGISTER
  'timeout', // no answer to REGISTER
  'bad-response', // the server answered something that is not SIP
  'no-password',
]);
export type RegistrationErrorCode = z.infer<typeof RegistrationErrorCode>;

export const AccountStatus = z.object({
  state: RegistrationState,
  /** The address of record, e.g. sip:1001@pbx.example.com, when configured. */
  aor: z.string().nullable(),
  error: z
    .object({
      code: RegistrationErrorCode,
      /** SIP status code when the server gave one. */
      status: z.number().int().optional(),
      detail: z.string().max(500).optional(),
    })
    .nullable(),
  /** Epoch ms of the next automatic attempt while state is 'waiting-to-retry'. */
  retryAt: z.number().nullable(),
  /** How many automatic attempts have failed in a row. */
  attempts: z.number().int(),
});
export type AccountStatus = z.infer<typeof AccountStatus>;

export const CallDirection = z.enum(['incoming', 'outgoing']);
export const CallState = z.enum([
  'dialing', // outgoing, INVITE not yet answered by anything
  'ringing', // outgoing, 180/183 received
  'incoming', // incoming, waiting for the user
  'answering', // incoming, accepted, waiting for ACK
  'established',
  'ended',
]);
export type CallState = z.infer<typeof CallState>;

export const CallEndReason = z.enum([
  'local-hangup',
  'remote-hangup',
  'rejected-by-user', // we rejected an incoming call
  'canceled', // the caller gave up before we answered
  'busy', // 486/600
  'not-found', // 404/604
  'unavailable', // 480/503 and the like
  'declined', // 603
  'failed', // anything else, see endStatus
  'media-failed',
]);
export type CallEndReason = z.infer<typeof CallEndReason>;

export const Call = z.object({
  id: z.string(),
  direction: CallDirection,
  state: CallState,
  /** The other party. Text only: always rendered as text, never as HTML. */
  remote: z.object({
    uri: z.string(),
    number: z.string(),
    displayName: z.string(),
  }),
  held: z.boolean(),
  muted: z.boolean(),
  startedAt: z.number(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  endReason: CallEndReason.nullable(),
  /** SIP status of the final response when the call failed. */
  endStatus: z.number().int().nullable(),
});
export type Call = z.infer<typeof Call>;

// ---------------------------------------------------------------------------------------------
// USB headsets and desk phones (the device page in settings).

/** Telephony inputs by the names `npm run hid -- describe` prints. */
export const HeadsetInput = z.enum(['hookSwitch', 'phoneMute', 'flash', 'redial', 'drop', 'reject', 'lineBusy', 'keypad']);
export type HeadsetInput = z.infer<typeof HeadsetInput>;
/** Telephony outputs (LEDs and the ringer). */
export const HeadsetOutput = z.enum(['offHookLed', 'ringLed', 'muteLed', 'holdLed', 'microphoneLed', 'onLineLed', 'ringer']);
export type HeadsetOutput = z.infer<typeof HeadsetOutput>;

export const HeadsetStatus = z.enum([
  /** Open: its buttons control calls and its LEDs follow them. */
  'in-use',
  /** The user switched this device off in settings. */
  'switched-off',
  /** Headset control is off altogether. */
  'disabled',
  /** Its descriptor has no telephony controls (a gaming headset): never used for calls. */
  'no-call-controls',
  /** The OS gave no report descriptor (permissions, or no reader on this OS). */
  'no-descriptor',
  /** Opening it failed; it is retried when it is plugged in again. */
  'open-failed',
]);
export type HeadsetStatus = z.infer<typeof HeadsetStatus>;

export const HeadsetView = z.object({
  /** Opaque id for commands (the OS path); changes on replug. */
  id: z.string().min(1).max(1024),
  key: HeadsetKey,
  product: z.string().max(256),
  vendorId: z.number().int(),
  productId: z.number().int(),
  status: HeadsetStatus,
  inputs: z.array(HeadsetInput),
  outputs: z.array(HeadsetOutput),
  /** Outputs lit from the device page right now (see `headsets:try`); empty when following calls. */
  trying: z.array(HeadsetOutput),
});
export type HeadsetView = z.infer<typeof HeadsetView>;

/** One input report from a device, decoded: each telephony control's value. */
export const HeadsetInputEvent = z.object({
  id: z.string().min(1).max(1024),
  values: z.array(z.object({ name: HeadsetInput, value: z.number().int() })),
});
export type HeadsetInputEvent = z.infer<typeof HeadsetInputEvent>;

export const AppState = z.object({
  host: z.enum(['electron', 'web']),
  version: z.string(),
  systemLocale: z.string(),
  settings: SettingsView,
  account: AccountStatus,
  calls: z.array(Call),
  headsets: z.array(HeadsetView),
});
export type AppState = z.infer<typeof AppState>;

// ---------------------------------------------------------------------------------------------
// Media engine: main asks, the renderer's media engine answers (see ARCHITECTURE.md).
// These are the SessionDescriptionHandler calls of sip.js plus what main needs of the media.

const MediaId = z.string().min(1).max(64);
/** JSON-only SDH options (sip.js modifiers are functions and stay in the renderer). */
const SdhOptions = z
  .object({
    hold: z.boolean().optional(),
    offerOptions: z.object({ iceRestart: z.boolean().optional() }).optional(),
  })
  .optional();

export const MediaRequest = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('create'),
    mediaId: MediaId,
    callId: z.string(),
    iceServers: z.array(IceServer),
    iceGatheringTimeoutMs: z.number().int().min(0).max(10_000),
    audio: AudioSettings,
  }),
  z.object({ op: z.literal('getDescription'), mediaId: MediaId, options: SdhOptions }),
  z.object({
    op: z.literal('setDescription'),
    mediaId: MediaId,
    sdp: z.string().max(65_536),
    options: SdhOptions,
  }),
  z.object({ op: z.literal('rollbackDescription'), mediaId: MediaId }),
  z.object({
    op: z.literal('sendDtmf'),
    mediaId: MediaId,
    tones: z.string().regex(/^[0-9A-D#*,]{1,32}$/),
    duration: z.number().int().min(40).max(6000).optional(),
    interToneGap: z.number().int().min(30).max(6000).optional(),
  }),
  z.object({ op: z.literal('setMuted'), mediaId: MediaId, muted: z.boolean() }),
  z.object({ op: z.literal('close'), mediaId: MediaId }),
]);
export type MediaRequest = z.infer<typeof MediaRequest>;
export type MediaOp = MediaRequest['op'];

/** What each media op resolves to. */
export const MediaResults = {
  create: z.null(),
  getDescription: z.object({ body: z.string().max(65_536), contentType: z.string().max(128) }),
  setDescription: z.null(),
  rollbackDescription: z.null(),
  sendDtmf: z.boolean(),
  setMuted: z.null(),
  close: z.null(),
} satisfies Record<MediaOp, z.ZodType>;
export type MediaResult<O extends MediaOp> = z.infer<(typeof MediaResults)[O]>;

// ---------------------------------------------------------------------------------------------
// Commands (renderer -> main). Channel names are `domain:action`.

const CallRef = z.object({ callId: z.string().min(1).max(64) });

export const commands = {
  /** Everything the UI needs at start; afterwards events keep it current. */
  'app:getState': { args: z.void(), result: AppState },

  'settings:get': { args: z.void(), result: SettingsView },
  /**
   * Saves the settings. `password`: a string sets it, null clears it, absent keeps it.
   * Fails with invalid-settings and per-field reasons.
   */
  'settings:save': {
    args: z.object({ settings: Settings, password: z.string().max(1024).nullable().optional() }),
    result: SettingsView,
  },

  'account:register': { args: z.void(), result: AccountStatus },
  'account:unregister': { args: z.void(), result: AccountStatus },

  /** Dial a number or SIP URI typed by the user. Resolves once the call exists (not answered). */
  'calls:dial': { args: z.object({ target: z.string().max(256) }), result: Call },
  'calls:answer': { args: CallRef, result: Call },
  'calls:reject': { args: CallRef, result: Call },
  'calls:hangup': { args: CallRef, result: Call },
  'calls:hold': { args: CallRef.extend({ hold: z.boolean() }), result: Call },
  'calls:mute': { args: CallRef.extend({ muted: z.boolean() }), result: Call },
  'calls:dtmf': {
    args: CallRef.extend({ tones: z.string().regex(/^[0-9A-Da-d#*]{1,32}$/) }),
    result: z.null(),
  },

  /** Every HID device seen that could be a headset, with what Hookswitch does with it. */
  'headsets:list': { args: z.void(), result: z.array(HeadsetView) },
  /**
   * Lights these outputs on one device to try them (the device page's switches); the rest of its
   * outputs are off. An empty list, or any change of the calls, gives the LEDs back to the calls.
   */
  'headsets:try': { args: z.object({ id: z.string().min(1).max(1024), outputs: z.array(HeadsetOutput).max(16) }), result: z.null() },
  /** What support needs about one device: descriptor, layout, recent reports; nothing personal. */
  'headsets:supportBundle': {
    args: z.object({ id: z.string().min(1).max(1024) }),
    result: z.object({ fileName: z.string().max(256), json: z.string().max(1_000_000) }),
  },

  /** The renderer's media engine is up and takes media requests from now on. */
  'media:ready': { args: z.object({ devices: z.boolean() }), result: z.null() },
  /** The media engine's answer to a `media:requested` event. */
  'media:respond': {
    args: z.discriminatedUnion('ok', [
      z.object({ requestId: z.number().int(), ok: z.literal(true), value: z.unknown() }),
      z.object({ requestId: z.number().int(), ok: z.literal(false), error: z.string().max(2000) }),
    ]),
    result: z.null(),
  },
} as const satisfies Record<string, { args: z.ZodType; result: z.ZodType }>;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandArgs<C extends CommandName> = z.infer<Commands[C]['args']>;
export type CommandResult<C extends CommandName> = z.infer<Commands[C]['result']>;
export const commandNames = Object.keys(commands) as CommandName[];

// ---------------------------------------------------------------------------------------------
// Events (main -> renderer), named in the past tense.

export const events = {
  'settings:changed': SettingsView,
  'account:changed': AccountStatus,
  /** The full list of live calls plus calls that ended in the last few seconds. */
  'calls:changed': z.array(Call),
  'headsets:changed': z.array(HeadsetView),
  /** A telephony input report from an open device (the device page's live view). */
  'headsets:input': HeadsetInputEvent,
  /** A request for the media engine; answer with `media:respond`. */
  'media:requested': z.object({ requestId: z.number().int(), request: MediaRequest }),
} as const satisfies Record<string, z.ZodType>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;
export const eventNames = Object.keys(events) as EventName[];

/** The implementation of every command, as main provides it to a host. */
export type Handlers = {
  [C in CommandName]: (args: CommandArgs<C>, sender: SenderInfo) => Promise<CommandResult<C>>;
};

/** Who sent a command: a host-specific id (webContents id, WebSocket connection id). */
export interface SenderInfo {
  id: string;
}

/** The API the renderer sees, identical in both hosts. */
export interface HookswitchApi {
  invoke<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<Result<CommandResult<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Name of the object the Electron preload exposes on `window`. */
export const BRIDGE_KEY = 'hookswitch';
