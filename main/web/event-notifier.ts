// The web host's notifications: the core's decisions go to the renderers as events, and the
// browser shows them (Web Notifications) where the user allowed it. Answer and Decline stay in
// the page, which a click on the notification brings to the front.
import type { CallNotice, EventSink, Notifier } from '../core/ports.ts';

export class EventNotifier implements Notifier {
  constructor(private readonly events: EventSink) {}

  incomingCall(notice: CallNotice): void {
    this.events.emit('notifications:requested', { kind: 'incoming-call', ...notice });
  }

  closeIncomingCall(callId: string): void {
    this.events.emit('notifications:requested', { kind: 'close', callId });
  }

  missedCall(notice: CallNotice & { at: number }): void {
    this.events.emit('notifications:requested', { kind: 'missed-call', ...notice });
  }

  missedCount(count: number): void {
    this.events.emit('notifications:requested', { kind: 'missed-count', count });
  }
}
