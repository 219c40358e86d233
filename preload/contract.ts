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
  'no-such-account', // an account id that is not (or no longer) configured
  'too-many-calls', // every line is in use (settings calls.maxLines)
  'no-such-device', // a headset id that is not (or no longer) listed or open
  'no-such-record', // a history row that does not exist (deleted meanwhile)
  'no-such-contact',
  'no-such-import', // an import id that is unknown, finished or cancelled
  'import-too-large', // more text than the import said it would send, or over the limit
  'import-unreadable', // the file has no columns we can map, or no card at all
  'history-unavailable', // the history database could not be opened
  'transfer-failed', // the transfer target refused or never answered; the call is back with the user
  'crm-not-configured', // no CRM URL template, or it gives no URL for this call
  'no-voicemail', // the account has no voicemail number and the server announced none
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
export const SettingsFieldError = z.enum([
  'required',
  'invalid-ws-url',
  'invalid-sip-uri',
  'invalid-ice-url',
  'invalid-country', // not a country libphonenumber knows
  'invalid-crm-template', // not an http(s) URL once filled in, or an unknown placeholder
  'duplicate-account', // two accounts with the same id
  'no-such-account', // a password for an account the settings do not have
  'invalid-number', // a forwarding target or voicemail number that cannot be dialled
  'invalid-shortcut', // not a key with at least one modifier, as Electron accelerators write it
  'invalid-origin', // not https://host[:port] (or http:// on this machine), without a path
  'invalid-webhook-url', // not an http(s) URL once filled in, or an unknown placeholder
  'invalid-webhook-body', // not JSON once filled in, a placeholder outside a string, or an unknown one
  'duplicate-webhook', // two webhooks with the same id
  'no-such-webhook', // a secret for a webhook the settings do not have
]);
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

/** A SIP account's id in settings, commands and calls: short, stable, chosen when it is added. */
export const AccountId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/);
export type AccountId = z.infer<typeof AccountId>;

/** The ringtones that ship with Hookswitch (resources/ringtones). */
export const Ringtone = z.enum(['classic', 'chime', 'pulse']);
export type Ringtone = z.infer<typeof Ringtone>;

export const AutoAnswerMode = z.enum(['off', 'always', 'when-asked']);
export type AutoAnswerMode = z.infer<typeof AutoAnswerMode>;

export const ForwardSettings = z.object({
  /** busy: the user is on another call or every line is in use; no-answer: after noAnswerS seconds. */
  mode: z.enum(['off', 'always', 'busy', 'no-answer']),
  /** A number or SIP address. */
  target: z.string().max(256),
  noAnswerS: z.number().int().min(5).max(120),
});
export type ForwardSettings = z.infer<typeof ForwardSettings>;

/** One SIP account. The password is never part of it: it lives in the SecretStore. */
export const AccountSettings = z.object({
  id: AccountId,
  /** What the user calls it ("Sales line"); '' shows the address of record. */
  label: z.string().max(64),
  wsUrl: z.string().max(2048),
  sipUri: z.string().max(1024),
  authUser: z.string().max(256),
  displayName: z.string().max(256),
  dtmfMode: DtmfMode,
  iceServers: z.array(IceServer).max(16),
  registerOnStart: z.boolean(),
  /** What this account's calls ring with, so the user hears which line is ringing. */
  ringtone: Ringtone,
  /** Dialled by the voicemail button; '' uses the Message-Account the server announces. */
  voicemailNumber: z.string().max(64),
  /** Answer incoming calls by themselves: never, always, or when the caller asks (intercom, paging). */
  autoAnswer: AutoAnswerMode,
  /** Client-side call forwarding (a 302 to the caller's proxy): always, when busy, or unanswered. */
  forward: ForwardSettings,
});
export type AccountSettings = z.infer<typeof AccountSettings>;

/** Device ids as the media engine reports them; '' means the system default. */
export const AudioSettings = z.object({
  inputDeviceId: z.string().max(512),
  outputDeviceId: z.string().max(512),
  /** Where the ringtone plays: one or more outputs at once (the headset and the speakers, say). */
  ringDeviceIds: z.array(z.string().max(512)).min(1).max(4),
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

/** How numbers reach the PBX (see main/core/numbers/dial-plan.ts). */
export const DialPlanSettings = z.object({
  /** Put before every outside number ('0' or '9' on many PBXs) and taken off numbers the PBX sends; '' for none. */
  outsideLinePrefix: z.string().regex(/^[0-9*#]{0,4}$/),
  /** Numbers of at most this many digits (no +) are extensions: dialled as they are, without the prefix. */
  maxExtensionDigits: z.number().int().min(0).max(10),
  /**
   * How outside numbers are written: as-dialled (digits as given), e164 (+4930123456), or national
   * (030123456 in the default country, 00 1 555... from Germany to the US: the country's own prefix).
   */
  format: z.enum(['as-dialled', 'e164', 'national']),
});
export type DialPlanSettings = z.infer<typeof DialPlanSettings>;

/** Phone numbers: how numbers without a country code are read (E.164 normalisation), and the dial plan. */
export const NumberSettings = z.object({
  /** ISO 3166 alpha-2 ('US', 'DE', 'CN'); '' follows the OS locale's region. */
  defaultCountry: z.union([z.literal(''), z.string().regex(/^[A-Z]{2}$/)]),
  dialPlan: DialPlanSettings,
});
export type NumberSettings = z.infer<typeof NumberSettings>;

export const HistorySettings = z.object({
  /** Calls older than this many days are deleted; 0 keeps every call. */
  retentionDays: z.number().int().min(0).max(36_500),
});
export type HistorySettings = z.infer<typeof HistorySettings>;

export const CrmAutoOpen = z.enum(['off', 'on-ring', 'on-answer']);
export type CrmAutoOpen = z.infer<typeof CrmAutoOpen>;

export const ScreenPopSettings = z.object({
  /**
   * A CRM page for the caller, e.g. `https://crm.example.com/search?phone={e164}&name={name}`.
   * Placeholders: {e164} {number} {digits} {name} {company} {crmId} {direction} {callId}; each
   * is URL-encoded. '' means no CRM link.
   */
  crmUrlTemplate: z.string().max(2048),
  /** Open the CRM page in the system browser by itself: never, when a call rings, when answered. */
  crmAutoOpen: CrmAutoOpen,
});
export type ScreenPopSettings = z.infer<typeof ScreenPopSettings>;

/** How calls behave when there are several at once. */
export const CallSettings = z.object({
  /** Calls at once (ringing, live or held); beyond it an incoming call gets 486 Busy Here. */
  maxLines: z.number().int().min(1).max(8),
  /** A call arriving during another plays a short tone in the call instead of the ringtone. */
  callWaitingTone: z.boolean(),
  /** When the other party transfers us (REFER): follow at once, or ask first. */
  incomingTransfer: z.enum(['accept', 'ask']),
  /** Do not disturb: incoming calls are refused with dndStatus (and still recorded as missed). */
  dnd: z.boolean(),
  /** 486 Busy Here, 480 Temporarily Unavailable or 603 Decline. */
  dndStatus: z.union([z.literal(486), z.literal(480), z.literal(603)]),
});
export type CallSettings = z.infer<typeof CallSettings>;

/**
 * Numbers from outside Hookswitch: tel:/sip:/sips:/callto: links, `hookswitch dial <number>`, and
 * the dial shortcut (the selected text, or the clipboard).
 */
export const ClickToDialSettings = z.object({
  /**
   * Ask before dialling: always, never, or only when the number is not plainly local (another
   * country, a service code such as *72, a number that is no phone number, another SIP domain).
   */
  confirm: z.enum(['always', 'never', 'international']),
  /** A system-wide shortcut (an Electron accelerator, e.g. CommandOrControl+Alt+Shift+D); '' for none. */
  shortcut: z.string().max(64),
});
export type ClickToDialSettings = z.infer<typeof ClickToDialSettings>;

/** The local CTI API (main/core/cti): HTTP and WebSocket on 127.0.0.1 for a CRM on this machine. */
export const ApiSettings = z.object({
  /** Off unless switched on. */
  enabled: z.boolean(),
  port: z.number().int().min(1024).max(65_535),
  /**
   * Web pages allowed to call the API from a browser (https://crm.example.com, or http:// on this
   * machine); requests from any other page are refused. Programs that are not web pages send no
   * Origin and need only the token.
   */
  allowedOrigins: z.array(z.string().max(256)).max(16),
});
export type ApiSettings = z.infer<typeof ApiSettings>;

/** Call events as the local API and webhooks name them (in the spirit of CSTA, ECMA-269). */
export const CallEventType = z.enum(['Originated', 'Delivered', 'Established', 'Held', 'Retrieved', 'Transferred', 'ConnectionCleared', 'Failed']);
export type CallEventType = z.infer<typeof CallEventType>;

/** A webhook's id in settings, its secret's key and its deliveries: short, stable, chosen when it is added. */
export const WebhookId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/);
export type WebhookId = z.infer<typeof WebhookId>;

/**
 * A URL that call events are POSTed to, from a queue that survives restarts. The signing secret
 * is never part of it: it lives in the SecretStore (see settings:save `webhookSecrets`).
 */
export const WebhookSettings = z.object({
  id: WebhookId,
  /** What the user calls it ("Ticket system"); '' shows the URL's host. */
  label: z.string().max(64),
  enabled: z.boolean(),
  /** An http(s) URL; {placeholders} are filled URL-encoded (see main/core/cti/templates.ts). */
  url: z.string().max(2048),
  /** The events sent; an empty list sends every one. */
  events: z.array(CallEventType).max(8),
  /** '' sends the event as JSON; otherwise a JSON text with {placeholders} inside strings. */
  bodyTemplate: z.string().max(8192),
});
export type WebhookSettings = z.infer<typeof WebhookSettings>;

/** At most this many webhooks. */
export const MAX_WEBHOOKS = 8;

/** At most this many accounts are registered at once. */
export const MAX_ACCOUNTS = 8;

export const Settings = z.object({
  /** The SIP accounts, in the order the user put them; the first is the default for dialling. */
  accounts: z.array(AccountSettings).max(MAX_ACCOUNTS),
  calls: CallSettings,
  audio: AudioSettings,
  ui: UiSettings,
  headsets: HeadsetSettings,
  numbers: NumberSettings,
  history: HistorySettings,
  screenPop: ScreenPopSettings,
  clickToDial: ClickToDialSettings,
  api: ApiSettings,
  webhooks: z.array(WebhookSettings).max(MAX_WEBHOOKS),
});
export type Settings = z.infer<typeof Settings>;

/** What the renderer sees of the settings: never a password or a secret, only which ones are stored. */
export const SettingsView = Settings.extend({ passwordsStored: z.array(AccountId), webhookSecretsStored: z.array(WebhookId) });
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
  accountId: AccountId,
  /** The account's label, or its address of record when it has none. */
  label: z.string().max(1024),
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
  /** Message waiting (MWI, RFC 3842) as the server last said; null until it said anything. */
  voicemail: z
    .object({
      waiting: z.boolean(),
      newMessages: z.number().int().min(0),
      oldMessages: z.number().int().min(0),
      /** Where the messages are (the server's Message-Account), when it said. */
      messageAccount: z.string().max(512).nullable(),
    })
    .nullable(),
});
export type AccountStatus = z.infer<typeof AccountStatus>;

export const CallDirection = z.enum(['incoming', 'outgoing']);
export type CallDirection = z.infer<typeof CallDirection>;
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
  'transferred', // we transferred it and the transfer target answered (NOTIFY 2xx)
  'do-not-disturb', // refused because do not disturb is on (recorded as missed)
  'forwarded', // sent on with 302 (settings accounts[].forward)
  'replaced', // an attended transfer replaced it with a call from the transferred party
]);
export type CallEndReason = z.infer<typeof CallEndReason>;

/** A transfer out of a call (Hookswitch is the transferor), followed to its final NOTIFY. */
export const CallTransfer = z.object({
  kind: z.enum(['blind', 'attended']),
  /** Where the call goes: the number or address typed, or the consultation call's party. */
  target: z.string().max(1024),
  /**
   * trying: REFER sent or accepted, waiting; ringing: the target rings; done: the target answered;
   * failed: the call is back with the user.
   */
  state: z.enum(['trying', 'ringing', 'done', 'failed']),
  /** The SIP status the transfer failed with (REFER refused, or the target's answer); null for none. */
  status: z.number().int().nullable(),
});
export type CallTransfer = z.infer<typeof CallTransfer>;

export const Call = z.object({
  id: z.string(),
  /** The account the call was made on or came in to. */
  accountId: AccountId,
  direction: CallDirection,
  state: CallState,
  /** The other party. Text only: always rendered as text, never as HTML. */
  remote: z.object({
    uri: z.string(),
    /** As received or dialled (the SIP user part, or the number as the user gave it). */
    number: z.string(),
    displayName: z.string(),
    /** The number formatted for reading: national in the default country, international elsewhere. */
    numberDisplay: z.string(),
  }),
  /** On hold by us. */
  held: z.boolean(),
  /** The other side put the call on hold (their offer was sendonly or inactive). */
  remoteHeld: z.boolean(),
  muted: z.boolean(),
  startedAt: z.number(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  endReason: CallEndReason.nullable(),
  /** SIP status of the final response when the call failed. */
  endStatus: z.number().int().nullable(),
  /** A transfer out of this call in progress, or one that failed (the call is back with the user). */
  transfer: CallTransfer.nullable(),
  /** This call is the consultation for an attended transfer of that call. */
  consultFor: z.string().nullable(),
  /** The other party asked (REFER) to transfer us and the settings say to ask: where to. */
  referOffer: z.object({ target: z.string().max(1024), by: z.string().max(256) }).nullable(),
  /** This call was placed because the party named here transferred us (REFER). */
  referredBy: z.string().max(256).nullable(),
  /** The calls of a conference share this id: each party hears the user and every other party. */
  conferenceId: z.string().nullable(),
  /** Answered by itself (settings accounts[].autoAnswer): the UI beeps when it connects. */
  autoAnswer: z.boolean(),
  /** Never rang here: refused by do not disturb or forwarded at once. Recorded, not shown. */
  silent: z.boolean(),
  /** Where the call was forwarded (302 Contact), when it was. */
  forwardedTo: z.string().max(1024).nullable(),
  /**
   * The account's connection was lost during the call: Hookswitch reconnects, registers again and
   * renegotiates the call's media (re-INVITE with ICE restart); until then this is true.
   */
  reconnecting: z.boolean(),
});
export type Call = z.infer<typeof Call>;

// ---------------------------------------------------------------------------------------------
// Call history, contacts and the screen-pop (SQLite in main; see ARCHITECTURE.md).

export const CallOutcome = z.enum([
  'in-progress', // not ended yet (or the app stopped mid-call; see ARCHITECTURE.md)
  'answered',
  'missed', // incoming, the caller gave up or it was answered elsewhere
  'rejected', // declined: by the user (incoming) or by the other side (outgoing, 603)
  'no-answer', // outgoing, we gave up (cancelled) before an answer
  'busy',
  'failed',
  'transferred',
  'forwarded',
]);
export type CallOutcome = z.infer<typeof CallOutcome>;

const RecordText = z.string().max(10_000);
export const Tag = z.string().min(1).max(40);

/** A contact as the screen-pop and the history show it. */
export const ContactSummary = z.object({
  id: z.number().int(),
  name: z.string().max(512),
  company: z.string().max(512),
  crmId: z.string().max(256),
});
export type ContactSummary = z.infer<typeof ContactSummary>;

export const CallRecord = z.object({
  /** Row id in the history; grows with time. */
  id: z.number().int(),
  /** The live call's id while it exists (links a record to `calls:changed`). */
  callId: z.string().max(64),
  direction: CallDirection,
  /** The account's address of record the call belonged to. */
  account: z.string().max(1024),
  remoteUri: z.string().max(1024),
  /** The number as received or dialled. */
  number: z.string().max(256),
  /** Normalised E.164 (+15551234567) when the number is a phone number; null for SIP names. */
  e164: z.string().max(32).nullable(),
  /** For display: national format for the default country, international otherwise. */
  numberDisplay: z.string().max(256),
  displayName: z.string().max(512),
  startedAt: z.number(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** Seconds from answer to end; null when never answered. */
  durationS: z.number().nullable(),
  outcome: CallOutcome,
  /** The user's wrap-up code, e.g. 'sale', 'support'; '' for none. */
  disposition: z.string().max(64),
  notes: RecordText,
  tags: z.array(Tag).max(20),
  transferTarget: z.string().max(1024).nullable(),
  /** A missed call the user has not seen yet. */
  unseen: z.boolean(),
  /** The contact matched by number (at query time). */
  contact: ContactSummary.nullable(),
});
export type CallRecord = z.infer<typeof CallRecord>;

export const HistoryFilter = z.object({
  /** 'missed' is incoming calls that were missed. */
  kind: z.enum(['all', 'missed', 'incoming', 'outgoing']),
  /** Epoch ms, inclusive start and exclusive end; null for open. */
  from: z.number().nullable(),
  to: z.number().nullable(),
  /** Address of record; '' for every account. */
  account: z.string().max(1024),
});
export type HistoryFilter = z.infer<typeof HistoryFilter>;

export const HistoryQuery = z.object({
  /** Free text: names, numbers (any format, digits match anywhere), notes, tags, companies. */
  text: z.string().max(200),
  filter: HistoryFilter,
  /** Keyset paging: rows older than this row id (the last row of the previous page). */
  beforeId: z.number().int().nullable(),
  limit: z.number().int().min(1).max(500),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const HistoryPage = z.object({
  rows: z.array(CallRecord),
  /** More rows match beyond this page. */
  hasMore: z.boolean(),
});
export type HistoryPage = z.infer<typeof HistoryPage>;

export const HistorySummary = z.object({
  /** Missed calls the user has not seen (the badge). */
  unseenMissed: z.number().int(),
  /** Bumped on every change, so open lists know to refresh. */
  revision: z.number().int(),
});
export type HistorySummary = z.infer<typeof HistorySummary>;

export const ContactNumber = z.object({
  /** 'work', 'mobile', 'home', 'other' or a custom label. */
  label: z.string().max(64),
  number: z.string().min(1).max(256),
});

export const Contact = z.object({
  /** null when creating. */
  id: z.number().int().nullable(),
  name: z.string().min(1).max(512),
  company: z.string().max(512),
  email: z.string().max(512),
  crmId: z.string().max(256),
  notes: RecordText,
  numbers: z.array(ContactNumber).max(32),
});
export type Contact = z.infer<typeof Contact>;

export const ContactQuery = z.object({
  /** Names and companies by word prefix; digits match numbers anywhere. */
  text: z.string().max(200),
  /** Keyset paging by name, then id. */
  after: z.object({ name: z.string().max(512), id: z.number().int() }).nullable(),
  limit: z.number().int().min(1).max(500),
});
export type ContactQuery = z.infer<typeof ContactQuery>;

export const ImportFormat = z.enum(['csv', 'vcard']);
export type ImportFormat = z.infer<typeof ImportFormat>;

export const ImportRowError = z.object({
  /** 1-based line (CSV) or card number (vCard) in the file. */
  row: z.number().int(),
  code: z.enum([
    'no-name', // no name, no company: nothing to call the contact
    'no-number', // no usable phone number
    'invalid-number', // a number that is not one (kept as text where possible)
    'malformed', // the row or card cannot be read (unbalanced quotes, no END:VCARD, ...)
    'too-long', // a field over its limit
  ]),
  /** The offending text, cut to 200 characters, for the report. */
  text: z.string().max(200),
});
export type ImportRowError = z.infer<typeof ImportRowError>;

export const ImportPreview = z.object({
  importId: z.string().max(64),
  /** Rows (cards) in the file. */
  total: z.number().int(),
  /** The first rows as they would be imported. */
  sample: z.array(Contact).max(20),
  /** CSV: which column became which field ('' for ignored columns). */
  columns: z.array(z.object({ header: z.string().max(200), field: z.string().max(32) })),
  errors: z.array(ImportRowError).max(1000),
  /** Errors beyond the first 1000. */
  moreErrors: z.number().int(),
  /** Contacts that will be imported without a phone number (found by name, never by a call). */
  withoutNumber: z.number().int(),
});
export type ImportPreview = z.infer<typeof ImportPreview>;

export const ImportResult = z.object({
  imported: z.number().int(),
  skipped: z.number().int(),
  errors: z.array(ImportRowError).max(1000),
  moreErrors: z.number().int(),
});
export type ImportResult = z.infer<typeof ImportResult>;

/** What the screen-pop card shows for a call, ringing or dialled. */
export const ScreenPop = z.object({
  callId: z.string().max(64),
  numberDisplay: z.string().max(256),
  e164: z.string().max(32).nullable(),
  contact: ContactSummary.extend({ notes: RecordText, email: z.string().max(512) }).nullable(),
  /** The last calls with this number (newest first, at most 5), with their notes. */
  recent: z.array(CallRecord).max(5),
  /** Every call with this number, and when the last one was (before this one). */
  totalCalls: z.number().int(),
  lastCallAt: z.number().nullable(),
  /** The CRM page built from the template; null without a template. */
  crmUrl: z.string().max(4096).nullable(),
});
export type ScreenPop = z.infer<typeof ScreenPop>;

/** What kind of number a dial target is (main/core/numbers/dial-plan.ts), or a SIP address. */
export const NumberKind = z.enum(['extension', 'service', 'national', 'international', 'unknown', 'address']);
export type NumberKind = z.infer<typeof NumberKind>;

/**
 * A number that arrived from outside (a link, the command line, the dial shortcut), waiting for
 * the user to confirm it, waiting for the account to register, or refused with the reason.
 */
export const DialRequest = z.object({
  id: z.string().max(64),
  source: z.enum(['link', 'command-line', 'shortcut']),
  /** What arrived, as plain text cut to 200 characters (shown with a refusal). */
  text: z.string().max(200),
  state: z.enum(['confirm', 'waiting', 'refused']),
  /** What is dialled on confirm ('' when refused before a number was found). */
  target: z.string().max(256),
  numberDisplay: z.string().max(256),
  kind: NumberKind.nullable(),
  /** The contact with this number, when there is one. */
  contactName: z.string().max(512),
  /** Why it was refused (invalid-number with the reason, not-registered, too-many-calls, ...). */
  error: ErrorInfo.nullable(),
  at: z.number(),
});
export type DialRequest = z.infer<typeof DialRequest>;

/** The link schemes Hookswitch can open. */
export const LinkScheme = z.enum(['tel', 'sip', 'sips', 'callto']);
export type LinkScheme = z.infer<typeof LinkScheme>;

/** Who opens one kind of link on this machine. */
export const LinkHandlerStatus = z.object({
  scheme: LinkScheme,
  /**
   * default: Hookswitch; other: another program (named in `handler`); none: nothing; unsupported:
   * this host cannot tell or change it (the web host: the browser decides).
   */
  state: z.enum(['default', 'other', 'none', 'unsupported']),
  /** The program that opens these links now, as the system names it; '' when unknown. */
  handler: z.string().max(256),
});
export type LinkHandlerStatus = z.infer<typeof LinkHandlerStatus>;

/** What the desktop gives Hookswitch beyond its window: link handling and the dial shortcut. */
export const DesktopStatus = z.object({
  links: z.array(LinkHandlerStatus),
  shortcut: z.object({
    /** The shortcut in the settings ('' for none). */
    accelerator: z.string().max(64),
    /** active: registered; off: none set; taken: another program holds it; unsupported: this host has none. */
    state: z.enum(['active', 'off', 'taken', 'unsupported']),
  }),
  /** What the shortcut dials: the selected text (Linux), or the clipboard (Windows, macOS). */
  shortcutReads: z.enum(['selection', 'clipboard', 'none']),
  /** How to hand a number to the running app from a command line here; '' where there is none. */
  dialCommand: z.string().max(512),
  /**
   * The system must confirm the change in its own settings (Windows 10 and 11 protect the default
   * program for a link type): its settings page was opened for the user.
   */
  systemSettingsOpened: z.boolean(),
});
export type DesktopStatus = z.infer<typeof DesktopStatus>;

/** The local CTI API as it runs now. */
export const ApiStatus = z.object({
  /** off: switched off in the settings; listening: on 127.0.0.1:port; failed: could not listen (error says why). */
  state: z.enum(['off', 'listening', 'failed']),
  port: z.number().int().nullable(),
  /** port-in-use: another program listens on the port; failed: anything else (in the log). */
  error: z.enum(['port-in-use', 'failed']).nullable(),
});
export type ApiStatus = z.infer<typeof ApiStatus>;

/** One delivery of one event to one webhook, as the delivery log shows it. */
export const WebhookDelivery = z.object({
  id: z.number().int(),
  hookId: WebhookId,
  /** A call event's type, or 'Test' for the settings page's test delivery. */
  eventType: z.string().max(32),
  callId: z.string().max(64),
  createdAt: z.number(),
  /** pending: waiting or retrying (nextAt); delivered: the receiver answered 2xx; failed: given up; dropped: the webhook was removed. */
  state: z.enum(['pending', 'delivered', 'failed', 'dropped']),
  attempts: z.number().int(),
  nextAt: z.number().nullable(),
  /** The receiver's last HTTP status; null when it never answered. */
  lastStatus: z.number().int().nullable(),
  /** Why the last attempt failed ('HTTP 500', 'timeout', 'connection refused'); null after success. */
  lastError: z.string().max(500).nullable(),
  finishedAt: z.number().nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

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
  /** One per configured account, in the settings' order. */
  accounts: z.array(AccountStatus),
  calls: z.array(Call),
  headsets: z.array(HeadsetView),
  history: HistorySummary,
  /** Screen-pops of the calls in `calls`. */
  screenPops: z.array(ScreenPop),
  /** The history database was unreadable at start and set aside: where it went (shown once). */
  historyMovedAside: z.string().nullable(),
  /** Numbers from outside waiting for the user (confirm, or read a refusal). */
  dialRequests: z.array(DialRequest),
  api: ApiStatus,
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
  /**
   * Conference mixing: what this call sends is the microphone plus the remote audio of the calls
   * with these media ids (the other parties); an empty list sends the microphone alone again.
   */
  z.object({ op: z.literal('mix'), mediaId: MediaId, with: z.array(MediaId).max(8) }),
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
  mix: z.null(),
  close: z.null(),
} satisfies Record<MediaOp, z.ZodType>;
export type MediaResult<O extends MediaOp> = z.infer<(typeof MediaResults)[O]>;

// ---------------------------------------------------------------------------------------------
// Commands (renderer -> main). Channel names are `domain:action`.

const CallRef = z.object({ callId: z.string().min(1).max(64) });
const AccountRef = z.object({ accountId: AccountId });

export const commands = {
  /** Everything the UI needs at start; afterwards events keep it current. */
  'app:getState': { args: z.void(), result: AppState },

  'settings:get': { args: z.void(), result: SettingsView },
  /**
   * Saves the settings. `passwords`, per account id: a string sets it, null clears it, an absent
   * id keeps it. A removed account's password is deleted. Fails with invalid-settings and
   * per-field reasons.
   */
  'settings:save': {
    args: z.object({
      settings: Settings,
      passwords: z.record(AccountId, z.string().max(1024).nullable()).optional(),
      /** Per webhook id, as `passwords`: the HMAC-SHA256 key its deliveries are signed with. */
      webhookSecrets: z.record(WebhookId, z.string().max(256).nullable()).optional(),
    }),
    result: SettingsView,
  },

  'accounts:register': { args: AccountRef, result: AccountStatus },
  /** Calls the account's voicemail (its voicemail number, or the server's Message-Account). */
  'accounts:callVoicemail': { args: AccountRef, result: Call },
  'accounts:unregister': { args: AccountRef, result: AccountStatus },

  /**
   * Dial a number or SIP URI typed by the user, on the given account (the first registered one
   * when absent). Resolves once the call exists (not answered).
   */
  'calls:dial': { args: z.object({ target: z.string().max(256), accountId: AccountId.optional() }), result: Call },
  'calls:answer': { args: CallRef, result: Call },
  'calls:reject': { args: CallRef, result: Call },
  'calls:hangup': { args: CallRef, result: Call },
  'calls:hold': { args: CallRef.extend({ hold: z.boolean() }), result: Call },
  'calls:mute': { args: CallRef.extend({ muted: z.boolean() }), result: Call },
  /** Do not disturb on or off (settings calls.dnd), from the status bar or a shortcut. */
  'calls:doNotDisturb': { args: z.object({ on: z.boolean() }), result: SettingsView },
  /** Blind transfer (REFER): the call goes to `target`; done when the target answers. */
  'calls:transfer': { args: CallRef.extend({ target: z.string().max(256) }), result: Call },
  /** Attended transfer, step one: the call goes on hold and `target` is called as a consultation. */
  'calls:consult': { args: CallRef.extend({ target: z.string().max(256) }), result: Call },
  /** Attended transfer, step two, from the consultation call: its party replaces us (REFER with Replaces). */
  'calls:completeTransfer': { args: CallRef, result: Call },
  /** Joins established calls into one conference (3-way and more): everyone hears everyone. */
  'calls:merge': { args: z.object({ callIds: z.array(z.string().min(1).max(64)).min(2).max(8) }), result: z.array(Call) },
  /** Takes a conference apart: this call stays with the user, the others go on hold. */
  'calls:split': { args: CallRef, result: z.array(Call) },
  /** The answer to a transfer the other party asked for (when settings say to ask). */
  'calls:answerTransfer': { args: CallRef.extend({ accept: z.boolean() }), result: Call },
  'calls:dtmf': {
    args: CallRef.extend({ tones: z.string().regex(/^[0-9A-Da-d#*]{1,32}$/) }),
    result: z.null(),
  },

  'history:query': { args: HistoryQuery, result: HistoryPage },
  /** Notes, disposition and tags of one record (wrap-up). */
  'history:update': {
    args: z.object({ id: z.number().int(), notes: RecordText.optional(), disposition: z.string().max(64).optional(), tags: z.array(Tag).max(20).optional() }),
    result: CallRecord,
  },
  'history:delete': { args: z.object({ ids: z.array(z.number().int()).min(1).max(10_000) }), result: HistorySummary },
  'history:clear': { args: z.void(), result: HistorySummary },
  /** The user has looked at the missed calls: the badge clears. */
  'history:markSeen': { args: z.void(), result: HistorySummary },
  /** Calls the history row's number back (the account it came in on, when there are several). */
  'history:callBack': { args: z.object({ id: z.number().int() }), result: Call },

  'contacts:query': { args: ContactQuery, result: z.object({ contacts: z.array(Contact), hasMore: z.boolean() }) },
  'contacts:save': { args: Contact, result: Contact },
  'contacts:delete': { args: z.object({ id: z.number().int() }), result: z.null() },
  /**
   * Import in three steps, because a file can be far bigger than one message: begin, send the text
   * in chunks (each at most 128 KiB of UTF-8), then preview. `contacts:import` then writes it,
   * with `contacts:importProgress` events; `contacts:importCancel` drops it at any point.
   */
  'contacts:importBegin': { args: z.object({ format: ImportFormat, size: z.number().int().min(0).max(64 * 1024 * 1024) }), result: z.object({ importId: z.string().max(64) }) },
  'contacts:importChunk': { args: z.object({ importId: z.string().max(64), text: z.string().max(131_072) }), result: z.null() },
  'contacts:importPreview': { args: z.object({ importId: z.string().max(64) }), result: ImportPreview },
  'contacts:import': { args: z.object({ importId: z.string().max(64) }), result: ImportResult },
  'contacts:importCancel': { args: z.object({ importId: z.string().max(64) }), result: z.null() },
  /** Every contact as CSV (the same columns the import reads). */
  'contacts:export': { args: z.void(), result: z.object({ fileName: z.string().max(256), csv: z.string() }) },
  /** Opens the call's CRM page in the system browser. */
  'calls:openCrm': { args: CallRef, result: z.null() },

  /** Dials a number that arrived from outside, once the user confirmed it (on this account, or the default). */
  'dial:confirm': { args: z.object({ requestId: z.string().max(64), accountId: AccountId.optional() }), result: Call },
  /** Drops a number from outside without dialling it (cancel, or the refusal was read). */
  'dial:dismiss': { args: z.object({ requestId: z.string().max(64) }), result: z.null() },
  /**
   * The local API's bearer token, to copy into the CRM; `regenerate` replaces it (the old one stops
   * working at once). The first call makes one.
   */
  'api:token': { args: z.object({ regenerate: z.boolean() }), result: z.object({ token: z.string().max(256) }) },
  /** The webhooks' recent deliveries (newest first), and how many wait per webhook. */
  'webhooks:log': {
    args: z.object({ hookId: WebhookId.nullable(), limit: z.number().int().min(1).max(500) }),
    result: z.object({ deliveries: z.array(WebhookDelivery), pending: z.record(WebhookId, z.number().int()) }),
  },
  /** Sends a test delivery to one webhook, through the queue like any event. */
  'webhooks:test': { args: z.object({ hookId: WebhookId }), result: z.null() },
  /** Tries a webhook's waiting delivery now instead of at its next retry. */
  'webhooks:retry': { args: z.object({ hookId: WebhookId }), result: z.null() },
  /** Who opens tel:, sip:, sips: and callto: links, and whether the dial shortcut is registered. */
  'desktop:status': { args: z.void(), result: DesktopStatus },
  /** Makes Hookswitch the program for one kind of link (where the system lets it). */
  'desktop:makeDefaultHandler': { args: z.object({ scheme: LinkScheme }), result: DesktopStatus },

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

/**
 * A system notification for the renderer to show (web host only: the Electron host shows the OS's
 * own). Caller-supplied names and numbers: shown as text.
 */
const CallNoticeShape = {
  callId: z.string().max(64),
  name: z.string().max(512),
  number: z.string().max(512),
  account: z.string().max(1024),
};
export const NotificationRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('incoming-call'), ...CallNoticeShape }),
  z.object({ kind: z.literal('close'), callId: z.string().max(64) }),
  z.object({ kind: z.literal('missed-call'), ...CallNoticeShape, at: z.number() }),
  z.object({ kind: z.literal('missed-count'), count: z.number().int().min(0) }),
]);
export type NotificationRequest = z.infer<typeof NotificationRequest>;

// ---------------------------------------------------------------------------------------------
// Events (main -> renderer), named in the past tense.

export const events = {
  'settings:changed': SettingsView,
  /** Every account's status, in the settings' order, whenever one of them changes. */
  'accounts:changed': z.array(AccountStatus),
  /** The full list of live calls plus calls that ended in the last few seconds. */
  'calls:changed': z.array(Call),
  'headsets:changed': z.array(HeadsetView),
  /** The history changed (a call started or ended, a note, a delete): lists refresh, badge moves. */
  'history:changed': HistorySummary,
  /** A screen-pop is ready (or changed, e.g. the caller's name arrived) for a live call. */
  'calls:screenPop': ScreenPop,
  /** The numbers from outside waiting for the user, whenever the list changes. */
  'dial:requestsChanged': z.array(DialRequest),
  /** The local API started, stopped or failed. */
  'api:changed': ApiStatus,
  /** A webhook delivery was queued, made or given up: open delivery logs refresh. */
  'webhooks:changed': z.object({ revision: z.number().int() }),
  'contacts:importProgress': z.object({ importId: z.string().max(64), done: z.number().int(), total: z.number().int() }),
  /** A telephony input report from an open device (the device page's live view). */
  'headsets:input': HeadsetInputEvent,
  /** Web host: a system notification to show or take away (the Electron host draws its own). */
  'notifications:requested': NotificationRequest,
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
