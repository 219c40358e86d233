// The proxy SessionDescriptionHandler: what sip.js calls synchronously is answered at once, only
// JSON crosses to the media engine, and every operation waits for the engine's 'create'.
import { describe, expect, it } from 'vitest';
import type { MediaRequest } from '../../../preload/contract.ts';
import type { SessionDescriptionHandlerOptions } from 'sip.js';
import { ProxySessionDescriptionHandler, jsonSdhOptions } from '../../../main/core/sip/proxy-sdh.ts';
import type { JsonSdhOptions } from '../../../main/core/sip/proxy-sdh.ts';
import { FakeMediaEngine, RecordingLogger, sleep } from './support/fakes.ts';

function make(media = new FakeMediaEngine(), onFailure?: (err: unknown) => void): { sdh: ProxySessionDescriptionHandler; media: FakeMediaEngine; logger: RecordingLogger } {
  const logger = new RecordingLogger();
  const sdh = new ProxySessionDescriptionHandler({
    media,
    mediaId: 'c1.1',
    callId: 'c1',
    iceServers: [{ urls: 'stun:stun.example.com' }],
    audio: { inputDeviceId: 'mic', outputDeviceId: '', ringDeviceIds: [''] },
    iceGatheringTimeoutMs: 300,
    logger,
    ...(onFailure ? { onFailure } : {}),
  });
  return { sdh, media, logger };
}

describe('ProxySessionDescriptionHandler', () => {
  it('asks the engine to create its SDH at construction, with the settings it needs', () => {
    const { media } = make();
    expect(media.requests).toEqual([
      {
        op: 'create',
        mediaId: 'c1.1',
        callId: 'c1',
        iceServers: [{ urls: 'stun:stun.example.com' }],
        iceGatheringTimeoutMs: 300,
        audio: { inputDeviceId: 'mic', outputDeviceId: '', ringDeviceIds: [''] },
      },
    ]);
  });

  it('answers hasDescription synchronously, for SDP only', () => {
    const { sdh, media } = make();
    expect(sdh.hasDescription('application/sdp')).toBe(true);
    expect(sdh.hasDescription('text/plain')).toBe(false);
    expect(media.requests).toHaveLength(1);
  });

  it('forwards get/set/rollback after create, with JSON-only options and no modifiers', async () => {
    const { sdh, media } = make();
    const modifier = (d: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit> => Promise.resolve(d);
    const options = { hold: true, constraints: { audio: true }, onDataChannel: () => undefined, offerOptions: { iceRestart: true, voiceActivityDetection: false } };
    const desc = await sdh.getDescription(options, [modifier]);
    expect(desc.contentType).toBe('application/sdp');
    const resume: SessionDescriptionHandlerOptions & JsonSdhOptions = { hold: false };
    await sdh.setDescription('v=0\r\n', resume, [modifier]);
    await sdh.rollbackDescription();
    expect(media.requests.slice(1)).toEqual([
      { op: 'getDescription', mediaId: 'c1.1', options: { hold: true, offerOptions: { iceRestart: true } } },
      { op: 'setDescription', mediaId: 'c1.1', sdp: 'v=0\r\n', options: { hold: false } },
      { op: 'rollbackDescription', mediaId: 'c1.1' },
    ]);
    // Everything that crossed survives JSON unchanged: no functions, no undefined.
    for (const r of media.requests) expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('jsonSdhOptions keeps hold and offerOptions.iceRestart only', () => {
    expect(jsonSdhOptions(undefined)).toBeUndefined();
    expect(jsonSdhOptions({ constraints: { audio: true } })).toBeUndefined();
    expect(jsonSdhOptions({ hold: 'yes', offerOptions: { iceRestart: 1 } })).toBeUndefined();
    expect(jsonSdhOptions({ hold: false })).toEqual({ hold: false });
    expect(jsonSdhOptions({ offerOptions: { iceRestart: true } })).toEqual({ offerOptions: { iceRestart: true } });
  });

  it('sendDtmf returns at once: true when sent, false for bad tones or after close', async () => {
    const { sdh, media } = make();
    expect(sdh.sendDtmf('12#', { duration: 100, interToneGap: 70 })).toBe(true);
    expect(sdh.sendDtmf('x')).toBe(false);
    expect(sdh.sendDtmf('1'.repeat(33))).toBe(false);
    await sleep(0);
    expect(media.requests.filter((r) => r.op === 'sendDtmf')).toEqual([
      { op: 'sendDtmf', mediaId: 'c1.1', tones: '12#', duration: 100, interToneGap: 70 },
    ]);
    sdh.close();
    expect(sdh.sendDtmf('1')).toBe(false);
  });

  it('sendDtmf failures are logged, never thrown', async () => {
    const media = new FakeMediaEngine();
    media.answer = (r: MediaRequest) => (r.op === 'sendDtmf' ? Promise.reject(new Error('no sender')) : Promise.resolve(null));
    const { sdh, logger } = make(media);
    expect(sdh.sendDtmf('5')).toBe(true);
    await sleep(0);
    await sleep(0);
    expect(logger.lines.some((l) => l.level === 'warn' && /sendDtmf failed/.test(l.msg))).toBe(true);
  });

  it('close returns at once, is sent once, and later operations fail', async () => {
    const { sdh, media } = make();
    sdh.close();
    sdh.close();
    await sleep(0);
    expect(media.ops().filter((op) => op === 'close')).toHaveLength(1);
    await expect(sdh.getDescription()).rejects.toMatchObject({ code: 'media-failed' });
  });

  it('a failed create fails every later operation and reports the failure once per operation', async () => {
    const media = new FakeMediaEngine();
    media.answer = (r: MediaRequest) => (r.op === 'create' ? Promise.reject(new Error('no engine')) : Promise.resolve(null));
    const failures: unknown[] = [];
    const { sdh } = make(media, (e) => failures.push(e));
    await expect(sdh.getDescription()).rejects.toThrow('no engine');
    await expect(sdh.setDescription('v=0')).rejects.toThrow('no engine');
    expect(failures).toHaveLength(2);
    sdh.close(); // nothing to close, and no unhandled rejection
    await sleep(0);
    expect(media.ops()).toEqual(['create']);
  });

  it('an unavailable engine: create rejects, sip.js gets a rejection it can handle', async () => {
    const media = new FakeMediaEngine();
    media.answer = () => Promise.reject(new Error('media-unavailable'));
    const { sdh } = make(media);
    await expect(sdh.getDescription()).rejects.toThrow();
  });
});
