// The MediaEngine port over the contract: who may answer, what happens when nobody does, when the
// answer has the wrong shape, and when the renderer goes away.
import { beforeEach, describe, expect, it } from 'vitest';
import type { MediaRequest } from '../../../preload/contract.ts';
import { AppError } from '../../../main/core/errors.ts';
import { RemoteMediaEngine } from '../../../main/core/media/remote-media-engine.ts';
import { FakeClock, RecordingEvents, RecordingLogger } from './support/fakes.ts';

let clock: FakeClock;
let events: RecordingEvents;
let engine: RemoteMediaEngine;

const CREATE: Extract<MediaRequest, { op: 'create' }> = {
  op: 'create',
  mediaId: 'call-1.1',
  callId: 'call-1',
  iceServers: [],
  iceGatheringTimeoutMs: 300,
  audio: { inputDeviceId: '', outputDeviceId: '', ringDeviceIds: [''] },
};
const GET: Extract<MediaRequest, { op: 'getDescription' }> = { op: 'getDescription', mediaId: 'call-1.1', options: { hold: true } };

function lastRequestId(): number {
  const sent = events.emitted.filter((e) => e.event === 'media:requested').at(-1);
  return (sent?.payload as { requestId: number }).requestId;
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

beforeEach(() => {
  clock = new FakeClock();
  events = new RecordingEvents();
  engine = new RemoteMediaEngine({ events, clock, logger: new RecordingLogger(), timeoutMs: 10_000 });
});

describe('RemoteMediaEngine', () => {
  it('is unavailable until a renderer says media:ready; requests then fail with media-unavailable', async () => {
    expect(engine.available).toBe(false);
    expect((await rejection(engine.request(CREATE))).code).toBe('media-unavailable');
    engine.attach('win-1');
    expect(engine.available).toBe(true);
  });

  it('sends each request to the engine only, and resolves with its validated answer', async () => {
    engine.attach('win-1');
    const p = engine.request(GET);
    const sent = events.emitted.at(-1)!;
    expect(sent).toMatchObject({ event: 'media:requested', to: 'win-1', payload: { request: GET } });
    expect(events.all('media:requested')).toHaveLength(0); // never broadcast
    engine.respond({ requestId: lastRequestId(), ok: true, value: { body: 'v=0', contentType: 'application/sdp' } }, 'win-1');
    await expect(p).resolves.toEqual({ body: 'v=0', contentType: 'application/sdp' });
  });

  it('refuses a response from any other sender with forbidden-sender, and keeps waiting for the right one', async () => {
    engine.attach('win-1');
    const p = engine.request(CREATE);
    const id = lastRequestId();
    expect(() => {
      engine.respond({ requestId: id, ok: true, value: null }, 'intruder');
    }).toThrow(expect.objectContaining({ code: 'forbidden-sender' }) as Error);
    engine.respond({ requestId: id, ok: true, value: null }, 'win-1');
    await expect(p).resolves.toBeNull();
  });

  it('times out each request after mediaTimeoutMs with media-failed; a late answer is ignored', async () => {
    engine.attach('win-1');
    const p = engine.request(CREATE);
    const id = lastRequestId();
    clock.advance(9_999);
    clock.advance(1);
    const err = await rejection(p);
    expect(err.code).toBe('media-failed');
    expect(err.message).toMatch(/10000 ms/);
    expect(() => {
      engine.respond({ requestId: id, ok: true, value: null }, 'win-1');
    }).not.toThrow();
  });

  it('rejects a result of the wrong shape with media-failed', async () => {
    engine.attach('win-1');
    const p = engine.request(GET);
    engine.respond({ requestId: lastRequestId(), ok: true, value: { body: 42 } }, 'win-1');
    expect((await rejection(p)).code).toBe('media-failed');
    const q = engine.request({ op: 'sendDtmf', mediaId: 'call-1.1', tones: '1' });
    engine.respond({ requestId: lastRequestId(), ok: true, value: 'yes' }, 'win-1');
    expect((await rejection(q)).code).toBe('media-failed');
  });

  it('passes the engine\'s own error on as media-failed', async () => {
    engine.attach('win-1');
    const p = engine.request(GET);
    engine.respond({ requestId: lastRequestId(), ok: false, error: 'NotAllowedError: Permission denied' }, 'win-1');
    const err = await rejection(p);
    expect(err.code).toBe('media-failed');
    expect(err.message).toContain('NotAllowedError');
  });

  it('refuses to send a request the contract does not allow (SDP over 64 KB)', async () => {
    engine.attach('win-1');
    const err = await rejection(engine.request({ op: 'setDescription', mediaId: 'm', sdp: 'x'.repeat(70_000) }));
    expect(err.code).toBe('media-failed');
    expect(events.emitted).toHaveLength(0);
  });

  it('senderGone of the engine rejects everything pending and tells the listeners', async () => {
    engine.attach('win-1');
    const gone: string[] = [];
    engine.onGone((id) => gone.push(id));
    const a = engine.request(CREATE);
    const b = engine.request(GET);
    engine.senderGone('someone-else');
    expect(engine.available).toBe(true);
    engine.senderGone('win-1');
    expect(engine.available).toBe(false);
    expect((await rejection(a)).code).toBe('media-failed');
    expect((await rejection(b)).code).toBe('media-failed');
    expect(gone).toEqual(['win-1']);
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('a second renderer saying media:ready is refused with forbidden-sender while the first is there', async () => {
    engine.attach('win-1');
    const gone: string[] = [];
    engine.onGone((id) => gone.push(id));
    const p = engine.request(CREATE);
    const id = lastRequestId();
    engine.attach('win-1'); // the same one again stays the engine
    expect(() => {
      engine.attach('win-2');
    }).toThrow(expect.objectContaining({ code: 'forbidden-sender' }) as Error);
    expect(engine.senderId).toBe('win-1');
    expect(gone).toEqual([]);
    // The first engine's request is still its own to answer, and the intruder may not.
    expect(() => {
      engine.respond({ requestId: id, ok: true, value: null }, 'win-2');
    }).toThrow(expect.objectContaining({ code: 'forbidden-sender' }) as Error);
    expect(events.emitted.filter((e) => e.to === 'win-2')).toEqual([]);
    engine.respond({ requestId: id, ok: true, value: null }, 'win-1');
    await expect(p).resolves.toBeNull();
  });

  it('a new renderer becomes the engine once the old one is gone', async () => {
    engine.attach('win-1');
    const p = engine.request(CREATE);
    engine.senderGone('win-1');
    expect((await rejection(p)).code).toBe('media-failed');
    engine.attach('win-2');
    expect(engine.senderId).toBe('win-2');
    const q = engine.request(GET);
    expect(events.emitted.at(-1)).toMatchObject({ event: 'media:requested', to: 'win-2' });
    engine.respond({ requestId: lastRequestId(), ok: true, value: { body: 'v=0', contentType: 'application/sdp' } }, 'win-2');
    await expect(q).resolves.toMatchObject({ body: 'v=0' });
  });

  it('through the core: media:respond from the wrong sender is refused', async () => {
    const { makeCore } = await import('./support/core-harness.ts');
    const h = makeCore();
    await h.core.start();
    await h.core.handlers['media:ready']({ devices: true }, { id: 'renderer-1' });
    const err: unknown = await h.core.handlers['media:respond']({ requestId: 1, ok: true, value: null }, { id: 'other-window' }).catch(
      (e: unknown) => e,
    );
    expect((err as AppError).code).toBe('forbidden-sender');
    await h.core.stop();
  });
});
