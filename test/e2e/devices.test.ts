// Audio devices in settings: microphone, call output and ringtone output are chosen separately
// from what the browser reports, saved, and used by the media engine.
import { afterAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

let stack: Stack | undefined;
afterAll(async () => {
  await stack?.stop();
});

async function options(stack: Stack, testId: string): Promise<{ value: string; label: string }[]> {
  return stack.app.getByTestId(testId).locator('option').evaluateAll((els) =>
    els.map((e) => ({ value: (e as HTMLOptionElement).value, label: e.textContent.trim() })),
  );
}

describe('audio devices', () => {
  it('lists input and output devices with the system default first, and keeps the choice', async () => {
    stack = await startStack();
    const { app } = stack;
    await app.getByTestId('settings-button').click();
    // The lists fill when the browser answers enumerateDevices.
    await expect.poll(async () => (await options(stack!, 'settings-audio-input')).length, { timeout: 5000 }).toBeGreaterThan(2);
    await expect.poll(async () => (await options(stack!, 'settings-ringtone-output')).length, { timeout: 5000 }).toBeGreaterThan(2);
    const inputs = await options(stack, 'settings-audio-input');
    const outputs = await options(stack, 'settings-audio-output');
    const rings = await options(stack, 'settings-ringtone-output');
    expect(inputs[0]?.value).toBe('');
    expect(outputs[0]?.value).toBe('');
    expect(rings.map((o) => o.value)).toEqual(outputs.map((o) => o.value));
    expect(inputs.length).toBeGreaterThan(2);
    expect(outputs.length).toBeGreaterThan(2);

    // The ringtone may go to another device than the call (speakers and headset).
    const input = inputs[2]?.value ?? '';
    const output = outputs[1]?.value ?? '';
    const ring = rings[2]?.value ?? '';
    await app.getByTestId('settings-audio-input').selectOption(input);
    await app.getByTestId('settings-audio-output').selectOption(output);
    await app.getByTestId('settings-ringtone-output').selectOption(ring);
    await app.getByTestId('settings-save').click();
    await app.getByTestId('settings-saved').waitFor({ timeout: 5000 });
    await app.getByTestId('settings-close').click();

    const saved = await stack.host.core.handlers['settings:get'](undefined, { id: 'test' });
    expect(saved.audio).toEqual({ inputDeviceId: input, outputDeviceId: output, ringtoneDeviceId: ring });
    await app.reload();
    await app.getByTestId('settings-button').click();
    expect(await app.getByTestId('settings-audio-input').inputValue()).toBe(input);
    expect(await app.getByTestId('settings-audio-output').inputValue()).toBe(output);
    expect(await app.getByTestId('settings-ringtone-output').inputValue()).toBe(ring);
  });
});
