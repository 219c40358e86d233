// The call quality panel in the real UI, on a real WebRTC call through Kamailio: the ICE path
// (host to host over loopback), a round-trip time, an estimated MOS, and a plain diagnosis when
// audio stops arriving from the other side (their phone stops sending), which clears when it
// comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserPeer } from '../support/browser-peer/index.ts';
import { registerWithPeer, startStack, type Stack } from './stack.ts';

let stack: Stack | undefined;
let peer: BrowserPeer | undefined;

beforeAll(async () => {
  stack = await startStack();
  peer = await registerWithPeer(stack);
});

afterAll(async () => {
  await peer?.close();
  await stack?.stop();
});

describe('call quality panel', () => {
  it('shows the path, RTT and MOS, and says when no audio arrives from the other side', async () => {
    const app = stack!.app;
    const p = peer!;
    await app.getByTestId('dial-input').fill('1002');
    await app.getByTestId('dial-button').click();
    await expect.poll(async () => (await p.call('invites')).length, { timeout: 5000 }).toBe(1);
    await p.call('answer');
    const card = app.getByTestId('call-card');
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 5000 }).toBe('established');
    await p.waitForAudio();

    await card.getByTestId('quality-button').click();
    const panel = card.getByTestId('call-quality');
    await expect.poll(() => panel.getByTestId('quality-path').getAttribute('data-kind'), { timeout: 5000 }).toBe('direct');
    expect(await panel.getByTestId('quality-path').textContent()).toContain('host → host');
    await expect.poll(async () => (await panel.getByTestId('quality-rtt').textContent()) ?? '', { timeout: 5000 }).toMatch(/^\d+ ms$/);
    await expect.poll(async () => Number.parseFloat((await panel.getByTestId('quality-mos').textContent()) ?? ''), { timeout: 5000 }).toBeGreaterThanOrEqual(4);
    await expect.poll(() => panel.getByTestId('quality-diagnosis').getAttribute('data-diagnosis'), { timeout: 5000 }).toBe('ok');

    // The other phone stops sending: one-way audio, said in plain words.
    await p.call('stopSending', true);
    await expect.poll(() => panel.getByTestId('quality-diagnosis').getAttribute('data-diagnosis'), { timeout: 8000 }).toBe('no-incoming-audio');
    expect(await panel.getByTestId('quality-diagnosis').textContent()).toContain('you cannot hear them');
    await p.call('stopSending', false);
    await expect.poll(() => panel.getByTestId('quality-diagnosis').getAttribute('data-diagnosis'), { timeout: 8000 }).toBe('ok');

    await card.getByTestId('hangup-button').click();
    await expect.poll(() => p.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
  });
});
