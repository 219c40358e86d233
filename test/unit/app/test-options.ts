// CoreOptions for a fake core in tests: memory-backed ports, nothing on disk.
import type { CoreOptions } from '../../../main/core/core.ts';
import type { EventSink } from '../../../main/core/ports.ts';

export function memoryEvents(): EventSink & { sent: { to: string | null; event: string; payload: unknown }[] } {
  const sent: { to: string | null; event: string; payload: unknown }[] = [];
  return {
    sent,
    emit(event, payload) {
      sent.push({ to: null, event, payload });
    },
    emitTo(to, event, payload) {
      sent.push({ to, event, payload });
    },
  };
}

export function testCoreOptions(events: EventSink): CoreOptions {
  let settings: string | null = null;
  const secrets = new Map<string, string>();
  return {
    host: 'web',
    version: '0.0.0-test',
    systemLocale: 'en-US',
    events,
    settingsFile: {
      read: () => Promise.resolve(settings),
      write: (text) => {
        settings = text;
        return Promise.resolve();
      },
      moveAside: () => Promise.resolve('/dev/null'),
    },
    secrets: {
      get: (key) => Promise.resolve(secrets.get(key) ?? null),
      set: (key, value) => {
        secrets.set(key, value);
        return Promise.resolve();
      },
      delete: (key) => {
        secrets.delete(key);
        return Promise.resolve();
      },
    },
  };
}

/** The error half of an envelope; fails the test when the result was a success. */
export function errorOf(result: unknown): { code: string; message: string } {
  const envelope = result as { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
  if (envelope.ok) throw new Error(`expected a failure, got ${JSON.stringify(envelope.value)}`);
  return envelope.error;
}
