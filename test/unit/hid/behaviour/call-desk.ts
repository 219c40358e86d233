// The call side of a headset test: a list of calls the test moves (an incoming call, the app's own
// mute and hang-up) and that answers the controller's requests the way the core would, publishing
// the new list afterwards as `calls:changed` does. Plus the rig that wires it all together.
import type { Call, CallState } from '../../../../preload/contract.ts';
import { HeadsetController, type CallControl, type HeadsetControllerOptions, type HeadsetTiming } from '../../../../main/core/hid/headset-controller.ts';
import { ReplayTransport } from '../../../support/hid-replay.ts';
import { makeCall as makeContractCall } from '../../../support/contract-values.ts';
import { FakeClock, RecordingLogger } from '../../core/support/fakes.ts';

export function makeCall(id: string, direction: Call['direction'], state: CallState): Call {
  return makeContractCall({ id, direction, state, remote: { uri: `sip:${id}@example.test`, number: id, displayName: '', numberDisplay: id } });
}

type Request = 'answer' | 'hangup' | 'reject' | 'setMuted' | 'hold' | 'swapOrHold' | 'redial';

export class CallDesk implements CallControl {
  calls: Call[] = [];
  /** Every request the controller made, e.g. "answer c1", "setMuted c1 true". */
  readonly requests: string[] = [];
  /** Requests to refuse (the promise rejects and nothing changes). */
  readonly refuse = new Set<Request>();
  /** Requests to leave unanswered: recorded, never applied. */
  readonly ignore = new Set<Request>();
  publish: (calls: Call[]) => void = () => undefined;

  // -- what happens in the app or on the network
  incoming(id: string): void {
    this.calls.push(makeCall(id, 'incoming', 'incoming'));
    this.changed();
  }

  outgoing(id: string): void {
    this.calls.push(makeCall(id, 'outgoing', 'dialing'));
    this.changed();
  }

  update(id: string, patch: Partial<Call>): void {
    this.calls = this.calls.map((c) => (c.id === id ? { ...c, ...patch } : c));
    this.changed();
  }

  changed(): void {
    this.publish(this.calls.map((c) => ({ ...c })));
  }

  // -- CallControl
  answer(callId: string): Promise<unknown> {
    return this.handle('answer', `answer ${callId}`, () => {
      this.update(callId, { state: 'established', answeredAt: 1 });
    });
  }

  hangup(callId: string): Promise<unknown> {
    return this.handle('hangup', `hangup ${callId}`, () => {
      this.update(callId, { state: 'ended', endReason: 'local-hangup' });
    });
  }

  reject(callId: string): Promise<unknown> {
    return this.handle('reject', `reject ${callId}`, () => {
      this.update(callId, { state: 'ended', endReason: 'rejected-by-user' });
    });
  }

  setMuted(callId: string, muted: boolean): Promise<unknown> {
    return this.handle('setMuted', `setMuted ${callId} ${muted}`, () => {
      this.update(callId, { muted });
    });
  }

  hold(callId: string, on: boolean): Promise<unknown> {
    return this.handle('hold', `hold ${callId} ${on}`, () => {
      this.update(callId, { held: on });
    });
  }

  swapOrHold(): Promise<unknown> {
    return this.handle('swapOrHold', 'swapOrHold', () => {
      // Two lines: the held one becomes active and the active one held.
      this.calls = this.calls.map((c) => (c.state === 'established' ? { ...c, held: !c.held } : c));
      this.changed();
    });
  }

  redial(): Promise<unknown> {
    return this.handle('redial', 'redial', () => {
      this.outgoing(`redial-${this.requests.length}`);
    });
  }

  private handle(kind: Request, line: string, apply: () => void): Promise<unknown> {
    this.requests.push(line);
    if (this.refuse.has(kind)) return Promise.reject(new Error(`${kind} refused`));
    if (this.ignore.has(kind)) return Promise.resolve();
    // The core answers after a SIP round trip, never inside the call.
    return Promise.resolve().then(apply);
  }
}

/** Lets promise callbacks (the call side's answers) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export interface Rig {
  clock: FakeClock;
  logger: RecordingLogger;
  transport: ReplayTransport;
  desk: CallDesk;
  controller: HeadsetController;
}

type RigOptions = Pick<HeadsetControllerOptions, 'settings' | 'onDevicesChanged' | 'onInput' | 'about'>;

export function makeRig(timing: Partial<HeadsetTiming> = {}, options: RigOptions = {}): Rig {
  const clock = new FakeClock();
  const logger = new RecordingLogger();
  const transport = new ReplayTransport(clock);
  const desk = new CallDesk();
  const controller = new HeadsetController({ transport, calls: desk, clock, logger, timing, ...options });
  desk.publish = (calls) => {
    controller.updateCalls(calls);
  };
  return { clock, logger, transport, desk, controller };
}
