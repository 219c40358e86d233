// Audio devices in settings: microphone, call output and the ringtone's outputs (one or several)
// are chosen separately from what the browser reports, saved, and used by the media engine.
import { afterAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

let stack: Stack | undefined;
afterAll(async () => {
  await stack?.stop();
});

async function ringOutputs(stack: Stack): Promise<{ value: string; checked: boolean }[]> {
  return stack.app.getByTestId('settings-ring-output').evaluateAll((els) =>
    els.map((e) => ({ value: (e as HTMLInputElement).dataset['deviceId'] ?? '', checked: (e as HTMLInputElement).checked })),
  );
}

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
    await expect.poll(async () => (await ringOutputs(stack!)).length, { timeout: 5000 }).toBeGreaterThan(2);
    const inputs = await options(stack, 'settings-audio-input');
    const outputs = await options(stack, 'settings-audio-output');
    const rings = await ringOutputs(stack);
    expect(inputs[0]?.value).toBe('');
    expect(outputs[0]?.value).toBe('');
    expect(rings.map((o) => o.value)).toEqual(outputs.map((o) => o.value));
    // By default the ringtone plays on the system default output only.
    expect(rings.filter((o) => o.checked).map((o) => o.value)).toEqual(['']);
    expect(inputs.length).toBeGreaterThan(2);
    expect(outputs.length).toBeGreaterThan(2);

    // The ringtone may go to other devices than the call, several at once (speakers and headset).
    const input = inputs[2]?.value ?? '';
    const output = outputs[1]?.value ?? '';
    const ring = rings[2]?.value ?? '';
    await app.getByTestId('settings-audio-input').selectOption(input);
    await app.getByTestId('settings-audio-output').selectOption(output);
    await app.locator(`[data-testid="settings-ring-output"][data-device-id="${ring}"]`).check();
    await app.getByTestId('settings-save').click();
    await app.getByTestId('settings-saved').waitFor({ timeout: 5000 });
    await app.getByTestId('settings-close').click();

    const saved = await stack.host.core.handlers['settings:get'](undefined, { id: 'test' });
    expect(saved.audio).toEqual({ inputDeviceId: input, outputDeviceId: output, ringDeviceIds: ['', ring] });
    await app.reload();
    await app.getByTestId('settings-button').click();
    expect(await app.getByTestId('settings-audio-input').inputValue()).toBe(input);
    expect(await app.getByTestId('settings-audio-output').inputValue()).toBe(output);
    expect((await ringOutputs(stack)).filter((o) => o.checked).map((o) => o.value)).toEqual(['', ring]);

    // Unticking every output is refused at the field, not saved.
    for (const value of ['', ring]) await app.locator(`[data-testid="settings-ring-output"][data-device-id="${value}"]`).uncheck();
    await app.getByTestId('settings-save').click();
    await app.getByTestId('settings-error-audio.ringDeviceIds').waitFor({ timeout: 5000 });
  });
});
