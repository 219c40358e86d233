// The local API's commands, carried out through the same handlers the window uses: an API client
// can do nothing a user could not, and every check (lines, registration, the dial plan, call
// states) applies the same way.
import type { Call, Handlers, SenderInfo } from '../../../preload/contract.ts';
import { AppError } from '../errors.ts';
import type { ApiCall, CtiCommandName, CtiParams, CtiResult } from './api-schema.ts';

/** Who the window's handlers see as the sender of an API command. */
export const API_SENDER: SenderInfo = { id: 'cti-api' };

export interface CommandContext {
  handlers: Handlers;
  calls: () => Call[];
  apiCall: (call: Call) => ApiCall;
}

type Runner<C extends CtiCommandName> = (params: CtiParams<C>, callId: string, context: CommandContext) => Promise<CtiResult<C>>;

function callOf(context: CommandContext, callId: string): Call {
  const call = context.calls().find((c) => c.id === callId);
  if (!call) throw new AppError('no-such-call', `no call ${callId}`);
  return call;
}

async function asApi(context: CommandContext, pending: Promise<Call>): Promise<ApiCall> {
  return context.apiCall(await pending);
}

const RUNNERS: { [C in CtiCommandName]: Runner<C> } = {
  GetCalls: (_params, _callId, context) => Promise.resolve({ calls: context.calls().map((c) => context.apiCall(c)) }),
  MakeCall: ({ to, accountId }, _callId, context) =>
    asApi(context, context.handlers['calls:dial'](accountId === undefined ? { target: to } : { target: to, accountId }, API_SENDER)),
  AnswerCall: (_params, callId, context) => asApi(context, context.handlers['calls:answer']({ callId }, API_SENDER)),
  ClearConnection: (_params, callId, context) => {
    const call = callOf(context, callId);
    const command = call.state === 'incoming' ? 'calls:reject' : 'calls:hangup';
    return asApi(context, context.handlers[command]({ callId }, API_SENDER));
  },
  HoldCall: (_params, callId, context) => asApi(context, context.handlers['calls:hold']({ callId, hold: true }, API_SENDER)),
  RetrieveCall: (_params, callId, context) => asApi(context, context.handlers['calls:hold']({ callId, hold: false }, API_SENDER)),
  SingleStepTransfer: ({ to }, callId, context) => asApi(context, context.handlers['calls:transfer']({ callId, target: to }, API_SENDER)),
  ConsultationCall: ({ to }, callId, context) => asApi(context, context.handlers['calls:consult']({ callId, target: to }, API_SENDER)),
  TransferCall: (_params, callId, context) => {
    // Either call of the pair may be named: the consultation, or the held call it belongs to.
    const call = callOf(context, callId);
    const consultation =
      call.consultFor !== null ? call : context.calls().find((c) => c.consultFor === call.id && c.state !== 'ended');
    if (!consultation) throw new AppError('invalid-call-state', `call ${callId} has no consultation call to transfer to`);
    return asApi(context, context.handlers['calls:completeTransfer']({ callId: consultation.id }, API_SENDER));
  },
  SendDtmf: async ({ digits }, callId, context) => {
    await context.handlers['calls:dtmf']({ callId, tones: digits }, API_SENDER);
    return { sent: true };
  },
  SetMute: ({ muted }, callId, context) => asApi(context, context.handlers['calls:mute']({ callId, muted }, API_SENDER)),
};

/** Runs a command whose parameters were already checked against its schema. */
export function runCommand<C extends CtiCommandName>(name: C, params: CtiParams<C>, callId: string, context: CommandContext): Promise<CtiResult<C>> {
  return (RUNNERS[name] as Runner<C>)(params, callId, context);
}
