// Audio devices during a call, in the real UI with WebRTC audio: another microphone or speaker
// chosen in settings takes over the live call without dropping it, and a device unplugged mid-call
// falls back to the system default. Chromium's fake devices cannot be unplugged, so the test does
// what the browser does when one is: the microphone's track fires 'ended', and the device list
// changes ('devicechange') without the output in it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BrowserPeer } from '../support/browser-peer/index.ts';
import { mediaStats, registerWithPeer, startStack, type Stack } from './stack.ts';

let stack: Stack | undefined;
let peer: BrowserPeer | undefined;

/** Before the app's scripts: remember every audio track clone (the calls' microphones) and let the test hide outputs. */
const UNPLUGGABLE = `
  window.__clones = [];
  window.__hiddenOutputs = new Set();
  const clone = MediaStreamTrack.prototype.clone;
  MediaStreamTrack.prototype.clone = function () {
    const c = clone.call(this);
    if (c.kind === 'audio') window.__clones.push(c);
    return c;
  };
  const enumerate = MediaDevices.prototype.enumerateDevices;
  MediaDevices.prototype.enumerateDevices = async function () {
    const list = await enumerate.call(this);
    return list.filter((d) => !(d.kind === 'audiooutput' && window.__hiddenOutputs.has(d.deviceId)));
  };
`;

beforeAll(async () => {
  stack = await startStack();
  await stack.app.addInitScript({ content: UNPLUGGABLE });
  await stack.app.reload();
  peer = await registerWithPeer(stack);
});

afterAll(async () => {
  await peer?.close();
  await stack?.stop();
});

async function optionValues(app: Page, testId: string): Promise<string[]> {
  return app.getByTestId(testId).locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
}

async function chooseInSettings(app: Page, testId: string, value: string): Promise<void> {
  await app.getByTestId('settings-button').click();
  await app.getByTestId(testId).selectOption(value);
  await app.getByTestId('settings-save').click();
  await app.getByTestId('settings-saved').waitFor({ timeout: 5000 });
  await app.getByTestId('settings-close').click();
}

async function peerHears(p: BrowserPeer): Promise<void> {
  const before = (await p.call('stats')).bytesReceived;
  await expect.poll(async () => (await p.call('stats')).bytesReceived, { timeout: 5000 }).toBeGreaterThan(before);
}

describe('devices during a call', () => {
  it('switches microphone and speaker without dropping the call; unplugged ones fall back to the default', async () => {
    const app = stack!.app;
    const p = peer!;
    await app.getByTestId('dial-input').fill('1002');
    await app.getByTestId('dial-button').click();
    await expect.poll(async () => (await p.call('invites')).length, { timeout: 5000 }).toBe(1);
    await p.call('answer');
    const card = app.getByTestId('call-card');
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 5000 }).toBe('established');
    await expect.poll(async () => (await mediaStats(app))[0]?.micLive, { timeout: 5000 }).toBe(true);
    await peerHears(p);

    // Another microphone, chosen in settings during the call.
    await app.getByTestId('settings-button').click();
    await expect.poll(async () => (await optionValues(app, 'settings-audio-input')).length, { timeout: 5000 }).toBeGreaterThan(2);
    const inputs = await optionValues(app, 'settings-audio-input');
    const outputs = await optionValues(app, 'settings-audio-output');
    await app.getByTestId('settings-close').click();
    const mic = inputs.find((id) => id !== '' && id !== 'default' && id !== 'communications') ?? inputs[1]!;
    await chooseInSettings(app, 'settings-audio-input', mic);
    await expect.poll(async () => (await mediaStats(app))[0]?.inputDeviceId, { timeout: 5000 }).toBe(mic);
    expect(await card.getAttribute('data-state')).toBe('established');
    await peerHears(p);

    // Another speaker.
    const speaker = outputs.find((id) => id !== '' && id !== 'default' && id !== 'communications') ?? outputs[1]!;
    await chooseInSettings(app, 'settings-audio-output', speaker);
    await expect.poll(async () => (await mediaStats(app))[0]?.outputDeviceId, { timeout: 5000 }).toBe(speaker);

    // The speaker is unplugged: the call plays on the system default; plugged back, on it again.
    await app.evaluate((id) => {
      (window as unknown as { __hiddenOutputs: Set<string> }).__hiddenOutputs.add(id);
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
    }, speaker);
    await expect.poll(async () => (await mediaStats(app))[0]?.outputDeviceId, { timeout: 5000 }).toBe('');
    await app.evaluate((id) => {
      (window as unknown as { __hiddenOutputs: Set<string> }).__hiddenOutputs.delete(id);
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
    }, speaker);
    await expect.poll(async () => (await mediaStats(app))[0]?.outputDeviceId, { timeout: 5000 }).toBe(speaker);

    // The microphone is unplugged: its track ends; the call captures from the system default.
    await app.evaluate((id) => {
      const clones = (window as unknown as { __clones: MediaStreamTrack[] }).__clones;
      for (const t of clones) if (t.readyState === 'live' && t.getSettings().deviceId === id) t.dispatchEvent(new Event('ended'));
    }, mic);
    await expect.poll(async () => (await mediaStats(app))[0]?.inputDeviceId, { timeout: 5000 }).not.toBe(mic);
    await expect.poll(async () => (await mediaStats(app))[0]?.micLive, { timeout: 5000 }).toBe(true);
    expect(await card.getAttribute('data-state')).toBe('established');
    await peerHears(p);

    await card.getByTestId('hangup-button').click();
    await expect.poll(() => p.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
  });
});
