// The local CTI API's public shapes: what a CRM sends and receives over HTTP and WebSocket, and the
// events webhooks deliver. Commands are named as in CSTA (ECMA-269): MakeCall, AnswerCall,
// ClearConnection, HoldCall, RetrieveCall, SingleStepTransfer, ConsultationCall, TransferCall,
// SendDtmf, SetMute, GetCalls. The OpenAPI document (openapi.ts) is built from these schemas, so
// the document and the checks can never disagree.
import { z } from 'zod';
import { AccountId, CallDirection, CallEndReason, CallEventType, CallState, ErrorCode } from '../../../preload/contract.ts';

export const API_VERSION = 1;

const CallId = z.string().min(1).max(64).meta({ description: 'The call, as every call event and GetCalls name it.' });
/** A number or SIP address, as a user would type it; the dial plan applies. */
const Target = z.string().min(1).max(256).meta({ description: 'A phone number (any usual format), an extension, or a SIP address; the dial plan applies.' });

export const ApiContact = z
  .object({
    id: z.number().int(),
    name: z.string(),
    company: z.string(),
    crmId: z.string().meta({ description: "The contact's id in the CRM, as imported." }),
  })
  .meta({ description: 'The contact the number belongs to (exact E.164 match first, then the longest digit suffix).' });
export type ApiContact = z.infer<typeof ApiContact>;

export const ApiParty = z
  .object({
    number: z.string().meta({ description: 'As received or dialled.' }),
    e164: z.string().nullable().meta({ description: 'Normalised E.164, when the number is a phone number.' }),
    displayName: z.string().meta({ description: 'Caller-supplied text: show it as text, never as HTML.' }),
    uri: z.string(),
  });
export type ApiParty = z.infer<typeof ApiParty>;

export const ApiCall = z
  .object({
    callId: CallId,
    accountId: AccountId,
    direction: CallDirection,
    state: CallState,
    held: z.boolean().meta({ description: 'On hold by this side.' }),
    remoteHeld: z.boolean().meta({ description: 'On hold by the other side.' }),
    muted: z.boolean(),
    local: z.string().meta({ description: "This side's number (the account's SIP user)." }),
    remote: ApiParty,
    contact: ApiContact.nullable(),
    startedAt: z.iso.datetime(),
    answeredAt: z.iso.datetime().nullable(),
    endedAt: z.iso.datetime().nullable(),
    endReason: CallEndReason.nullable(),
    consultationFor: z.string().nullable().meta({ description: 'This call is the consultation of an attended transfer of that call.' }),
    conferenceId: z.string().nullable(),
  });
export type ApiCall = z.infer<typeof ApiCall>;

export const CtiEventType = CallEventType.meta({
  description:
    'Originated: an outgoing call was placed. Delivered: it rings (at the far end for an outgoing call, here for an incoming one). ' +
    'Established: answered. Held / Retrieved: put on hold by this side, and back. Transferred: handed over to the transfer target, ' +
    'who answered. Failed: an outgoing call did not connect (busy, not found, ...); ConnectionCleared follows. ConnectionCleared: the call ended.',
});
export type CtiEventType = z.infer<typeof CtiEventType>;

export const CtiEvent = z
  .object({
    type: CtiEventType,
    eventId: z.uuid().meta({ description: 'Unique per event; a webhook receiver can drop repeats by it.' }),
    seq: z.number().int().meta({ description: 'Increases by one with every event of this run of Hookswitch.' }),
    timestamp: z.iso.datetime(),
    callId: CallId,
    accountId: AccountId,
    direction: CallDirection,
    state: CallState,
    local: z.string(),
    remote: ApiParty,
    contact: ApiContact.nullable(),
    cause: z
      .object({ reason: CallEndReason, sipStatus: z.number().int().nullable() })
      .nullable()
      .meta({ description: 'Why the call ended or failed (ConnectionCleared, Failed); null otherwise.' }),
    transferTarget: z.string().nullable().meta({ description: 'Where the call went (Transferred); null otherwise.' }),
  });
export type CtiEvent = z.infer<typeof CtiEvent>;

export const ApiError = z
  .object({ error: z.object({ code: z.union([ErrorCode, z.enum(['unauthorized', 'forbidden', 'not-found', 'rate-limited', 'too-large', 'unsupported-media-type', 'method-not-allowed', 'uri-too-long'])]), message: z.string() }) });
export type ApiErrorBody = z.infer<typeof ApiError>;

/** The parameters of a command that takes none. */
export const NoParams = z.object({}).strict();

/** Every command: its parameters, what it answers, the HTTP route, and what it does. */
export const CTI_COMMANDS = {
  GetCalls: { params: NoParams, result: z.object({ calls: z.array(ApiCall) }), method: 'GET', path: '/v1/calls', call: false, summary: 'Every live call, and calls that ended moments ago.' },
  MakeCall: {
    params: z.object({ to: Target, accountId: AccountId.optional().meta({ description: 'The account to call from; the default account when absent.' }) }).strict(),
    result: ApiCall,
    method: 'POST',
    path: '/v1/calls',
    call: false,
    summary: 'Places a call; answers once the INVITE is on its way (events follow: Originated, Delivered, Established).',
  },
  AnswerCall: { params: NoParams, result: ApiCall, method: 'POST', path: '/v1/calls/{callId}/answer', call: true, summary: 'Answers a ringing incoming call.' },
  ClearConnection: { params: NoParams, result: ApiCall, method: 'POST', path: '/v1/calls/{callId}/clear', call: true, summary: 'Hangs up, cancels a call still ringing out, or declines an incoming one.' },
  HoldCall: { params: NoParams, result: ApiCall, method: 'POST', path: '/v1/calls/{callId}/hold', call: true, summary: 'Puts an established call on hold.' },
  RetrieveCall: { params: NoParams, result: ApiCall, method: 'POST', path: '/v1/calls/{callId}/retrieve', call: true, summary: 'Takes a held call back (other calls go on hold).' },
  SingleStepTransfer: {
    params: z.object({ to: Target }).strict(),
    result: ApiCall,
    method: 'POST',
    path: '/v1/calls/{callId}/single-step-transfer',
    call: true,
    summary: 'Blind transfer (REFER): the call goes to `to`; Transferred follows once the target answered.',
  },
  ConsultationCall: {
    params: z.object({ to: Target }).strict(),
    result: ApiCall,
    method: 'POST',
    path: '/v1/calls/{callId}/consultation',
    call: true,
    summary: 'Attended transfer, step one: the call goes on hold and `to` is called. Answers with the consultation call.',
  },
  TransferCall: {
    params: NoParams,
    result: ApiCall,
    method: 'POST',
    path: '/v1/calls/{callId}/transfer',
    call: true,
    summary: 'Attended transfer, step two: the held call and its consultation call are joined (REFER with Replaces). Either call may be named.',
  },
  SendDtmf: {
    params: z.object({ digits: z.string().regex(/^[0-9A-Da-d#*]{1,32}$/) }).strict(),
    result: z.object({ sent: z.literal(true) }),
    method: 'POST',
    path: '/v1/calls/{callId}/dtmf',
    call: true,
    summary: 'Sends DTMF digits on an established call.',
  },
  SetMute: {
    params: z.object({ muted: z.boolean() }).strict(),
    result: ApiCall,
    method: 'POST',
    path: '/v1/calls/{callId}/mute',
    call: true,
    summary: "Mutes or unmutes this side's microphone on the call.",
  },
} as const satisfies Record<
  string,
  { params: z.ZodType; result: z.ZodType; method: 'GET' | 'POST'; path: string; call: boolean; summary: string }
>;

export type CtiCommandName = keyof typeof CTI_COMMANDS;
export const CTI_COMMAND_NAMES = Object.keys(CTI_COMMANDS) as CtiCommandName[];
export type CtiParams<C extends CtiCommandName> = z.infer<(typeof CTI_COMMANDS)[C]['params']>;
export type CtiResult<C extends CtiCommandName> = z.infer<(typeof CTI_COMMANDS)[C]['result']>;

/** A command over the WebSocket. */
export const WsCommand = z
  .object({
    id: z.union([z.number().int().min(0), z.string().max(64)]),
    command: z.enum(CTI_COMMAND_NAMES as [CtiCommandName, ...CtiCommandName[]]),
    callId: CallId.optional(),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** Frames the server sends over the WebSocket. */
export const WsFrame = z
  .union([
    z.object({ type: z.literal('welcome'), apiVersion: z.literal(API_VERSION), calls: z.array(ApiCall) }),
    z.object({ type: z.literal('event'), event: CtiEvent }),
    z.object({ type: z.literal('result'), id: z.union([z.number(), z.string()]), ok: z.literal(true), result: z.unknown() }),
    z.object({ type: z.literal('result'), id: z.union([z.number(), z.string()]).nullable(), ok: z.literal(false), error: ApiError.shape.error }),
  ]);
export type WsFrame = z.infer<typeof WsFrame>;
