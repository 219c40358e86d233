// The silent stand-in tracks: one AudioContext, built ahead of calls, suspended unless a call
// that got no microphone needs frames for DTMF.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SilentSource } from '../../../renderer/src/media/silent-source.ts';
import { FakeAudioContext, FakeStream, type FakeTrack } from './media-fakes.ts';

describe('SilentSource', () => {
  let contexts: FakeAudioContext[];
  let source: SilentSource;

  beforeEach(() => {
    vi.stubGlobal('MediaStream', FakeStream);
    contexts = [];
    source = new SilentSource(() => {
      const c = new FakeAudioContext();
      contexts.push(c);
      return c;
    });
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('builds one suspended context ahead of calls, with a source so frames (and DTMF) flow', () => {
    expect(source.prepare()).toBe(true);
    expect(source.prepare()).toBe(true);
    expect(contexts).toHaveLength(1);
    expect(contexts[0]!.calls).toEqual(['source-start', 'suspend']);
  });

  it('hands out suspended silence, runs it on wake() and suspends it after the last track', () => {
    source.wake(); // nothing out: nothing to wake
    const a = source.acquire() as unknown as FakeTrack;
    const b = source.acquire() as unknown as FakeTrack;
    const context = contexts[0]!;
    expect(context.state).toBe('suspended');
    expect(a).not.toBe(b);
    expect(source.inUse).toBe(2);
    source.wake();
    expect(context.state).toBe('running');

    source.release(a as unknown as MediaStreamTrack);
    expect(a.readyState).toBe('ended');
    expect(context.state).toBe('running');
    source.release(b as unknown as MediaStreamTrack);
    expect(context.state).toBe('suspended');
    // The context's own track is never handed out, so it is still there for the next call.
    expect(context.destinationTrack.readyState).toBe('live');
    source.acquire();
    expect(context.state).toBe('suspended');
    expect(contexts).toHaveLength(1);
  });

  it('reports false when no context can be made, and acquire throws', () => {
    const broken = new SilentSource(() => {
      throw new Error('no audio');
    });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(broken.prepare()).toBe(false);
    expect(() => broken.acquire()).toThrow('no audio');
  });

  it('close() stops every track and closes the context', () => {
    const a = source.acquire() as unknown as FakeTrack;
    source.close();
    expect(a.readyState).toBe('ended');
    expect(contexts[0]!.state).toBe('closed');
  });
});
