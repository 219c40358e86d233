// What a user sees of the account in the real UI: the language picked from the OS and switched in
// settings, bad input answered with clear text, wrong credentials that stop, and a server that
// goes away and comes back.
import { afterEach, describe, expect, it } from 'vitest';
import { configureAccount, startStack, waitForRegistered, type Stack } from './stack.ts';

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const stateOf = (s: Stack): Promise<string | null> => s.app.getByTestId('registration-state').getAttribute('data-state');

describe('language', () => {
  it('follows the OS locale and switches in settings without a reload', async () => {
    stack = await startStack({ locale: 'zh-CN' });
    const { app } = stack;
    await expect.poll(() => app.getByTestId('registration-state').textContent()).toBe('未设置');
    await app.getByTestId('settings-button').click();
    await app.getByTestId('settings-locale').selectOption('en');
    await app.getByTestId('settings-ws-url').fill(stack.kamailio.wsUrl);
    await app.getByTestId('settings-sip-uri').fill('sip:1001@127.0.0.1');
    await app.getByTestId('settings-save').click();
    await app.getByTestId('settings-saved').waitFor({ timeout: 5000 });
    await app.getByTestId('settings-close').click();
    await waitForRegistered(app);
    await expect.poll(() => app.getByTestId('registration-state').textContent()).toBe('Registered');
  });
});

describe('bad input', () => {
  it('refuses an invalid WebSocket URL with a message at the field, and a malformed number at the dial field', async () => {
    stack = await startStack();
    const { app } = stack;
    await app.getByTestId('settings-button').click();
    await app.getByTestId('settings-ws-url').fill('http://pbx.example.com/ws');
    await app.getByTestId('settings-sip-uri').fill('sip:1001@127.0.0.1');
    await app.getByTestId('settings-save').click();
    const fieldError = app.getByTestId('settings-error-accounts.0.wsUrl');
    await expect.poll(() => fieldError.textContent(), { timeout: 5000 }).toBe('Enter a ws:// or wss:// URL with a host.');
    await app.getByTestId('settings-ws-url').fill(stack.kamailio.wsUrl);
    await app.getByTestId('settings-save').click();
    await app.getByTestId('settings-saved').waitFor({ timeout: 5000 });
    await app.getByTestId('settings-close').click();
    await waitForRegistered(app);

    await app.getByTestId('dial-input').fill('call me maybe');
    await app.getByTestId('dial-button').click();
    await expect.poll(() => app.getByTestId('dial-error').textContent(), { timeout: 5000 }).toBe('That is not a phone number or SIP address.');
    expect(await app.getByTestId('call-card').count()).toBe(0);
    // The text the user typed is still there to correct.
    expect(await app.getByTestId('dial-input').inputValue()).toBe('call me maybe');
  });

  it('says "wrong username or password" and stops instead of retrying', async () => {
    stack = await startStack({ kamailio: { auth: true } });
    const { app, kamailio } = stack;
    await configureAccount(app, { wsUrl: kamailio.wsUrl, user: '1001', password: 'not-the-password' });
    await app.locator('[data-testid="registration-state"][data-state="failed"]').waitFor({ timeout: 10_000 });
    await expect.poll(() => app.getByTestId('registration-error').textContent()).toContain('Wrong username or password.');
    const registers = (): number => kamailio.requests().filter((r) => r.method === 'REGISTER').length;
    const before = registers();
    await new Promise((r) => setTimeout(r, 3000));
    expect(registers()).toBe(before);
    expect(await stateOf(stack)).toBe('failed');

    // The right password, typed in settings, registers at once.
    await configureAccount(app, { wsUrl: kamailio.wsUrl, user: '1001', password: 'pw1001' });
    await waitForRegistered(app);
  });
});

describe('recovery', () => {
  it('shows the lost connection while the server is away and registers again by itself when it returns', async () => {
    stack = await startStack();
    const { app, kamailio } = stack;
    await configureAccount(app, { wsUrl: kamailio.wsUrl, user: '1001' });
    await waitForRegistered(app);

    await kamailio.kill();
    await app.locator('[data-testid="registration-state"][data-state="waiting-to-retry"]').waitFor({ timeout: 10_000 });
    await expect.poll(() => app.getByTestId('registration-error').textContent()).toContain('The server cannot be reached.');
    await new Promise((r) => setTimeout(r, 3000));
    const restartedAt = Date.now();
    await kamailio.restart();
    await waitForRegistered(app, 10_000);
    expect(Date.now() - restartedAt).toBeLessThan(10_000);
  });
});
