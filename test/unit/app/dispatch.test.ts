import { describe, expect, it, vi } from 'vitest';
import { commandNames } from '../../../preload/contract.ts';
import type { CommandName, Handlers } from '../../../preload/contract.ts';
import { createDispatcher, registerCommands } from '../../../main/core/dispatch.ts';
import type { CommandFn } from '../../../main/core/dispatch.ts';
import type { Logger } from '../../../main/core/ports.ts';
import { createFakeCore } from './fake-core.ts';
import { expectOneHandlerEach } from './one-handler-each.ts';
import { errorOf, memoryEvents, testCoreOptions } from './test-options.ts';
import type { Settings } from '../../../preload/contract.ts';
import { settingsWith } from '../core/support/fakes.ts';

const sender = { id: 'test' };

function handlers(): Handlers {
  return createFakeCore(testCoreOptions(memoryEvents())).handlers;
}

function recordingLogger(): Logger & { errors: unknown[][] } {
  const errors: unknown[][] = [];
  return { debug() {}, info() {}, warn() {}, error: (...args: unknown[]) => errors.push(args), errors };
}

describe('dispatch', () => {
  it('calls the handler with parsed arguments and wraps the value', async () => {
    const dispatch = createDispatcher(handlers());
    const result = await dispatch('calls:dial', { target: '1002' }, sender);
    expect(result).toMatchObject({ ok: true, value: { id: 'call-1' } });
  });

  it('refuses names the contract does not define, including inherited ones', async () => {
    const dispatch = createDispatcher(handlers());
    for (const name of ['calls:explode', 'constructor', '__proto__', 'toString']) {
      const result = await dispatch(name, undefined, sender);
      expect(errorOf(result).code).toBe('unknown-command');
      expect(errorOf(result).message).toContain(name);
    }
  });

  it('refuses arguments that do not match the schema, naming the path', async () => {
    const dispatch = createDispatcher(handlers());
    const result = await dispatch('calls:hold', { callId: 'c1', hold: 'yes' }, sender);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid-argument');
    expect(result.error.message).toMatch(/^calls:hold: hold: /);
  });

  it('refuses arguments for a command that takes none', async () => {
    const dispatch = createDispatcher(handlers());
    const result = await dispatch('app:getState', { sneaky: true }, sender);
    expect(errorOf(result)).toEqual({ code: 'invalid-argument', message: 'app:getState: (arguments): Invalid input: expected void, received object' });
  });

  it('keeps an AppError code and fields', async () => {
    const dispatch = createDispatcher(handlers());
    const bad = validSettings();
    const save = await dispatch('settings:save', { settings: { ...bad, accounts: [{ ...bad.accounts[0]!, wsUrl: 'bad' }] } }, sender);
    expect(save).toEqual({
      ok: false,
      error: { code: 'invalid-settings', message: 'settings are invalid', fields: { 'accounts.0.wsUrl': 'invalid-ws-url' } },
    });
    const answer = await dispatch('calls:answer', { callId: 'nope' }, sender);
    expect(answer).toMatchObject({ ok: false, error: { code: 'no-such-call' } });
  });

  it('turns any other throw into internal and logs it', async () => {
    const logger = recordingLogger();
    const dispatch = createDispatcher(handlers(), { logger });
    const result = await dispatch('calls:dial', { target: 'explode' }, sender);
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
    expect(logger.errors).toHaveLength(1);
  });
});

describe('registerCommands', () => {
  it('registers every contract command exactly once and returns the names', () => {
    const seen: CommandName[] = [];
    const names = registerCommands((name) => seen.push(name), handlers());
    expect(seen).toEqual(commandNames);
    expect(names).toEqual(commandNames);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('keeps no state between calls: each host registers through its own call', () => {
    const register = vi.fn<(name: CommandName, fn: CommandFn) => void>();
    expect(registerCommands(register, handlers())).toEqual(commandNames);
    expect(registerCommands(register, handlers())).toEqual(commandNames);
    expect(register).toHaveBeenCalledTimes(2 * commandNames.length);
  });

  it('the hosts\' check fails when a command is missing or registered twice', () => {
    expectOneHandlerEach(commandNames);
    expect(() => {
      expectOneHandlerEach(commandNames.filter((name) => name !== 'calls:dtmf'));
    }).toThrow(/no more, no fewer/);
    expect(() => {
      expectOneHandlerEach([...commandNames, 'calls:dial']);
    }).toThrow(/no more, no fewer|no command registered twice/);
    // Twice, with one missing: the same count, still caught.
    expect(() => {
      expectOneHandlerEach([...commandNames.filter((name) => name !== 'calls:dtmf'), 'calls:dial']);
    }).toThrow();
  });

  it('throws when a handler is missing', () => {
    const partial = { ...handlers() } as Partial<Handlers>;
    delete partial['calls:dtmf'];
    expect(() => registerCommands(() => undefined, partial as Handlers)).toThrow(/No handler for command: calls:dtmf/);
  });

  it('registers functions that dispatch: raw arguments in, envelope out', async () => {
    const table = new Map<CommandName, CommandFn>();
    registerCommands((name, fn) => table.set(name, fn), handlers());
    await expect(table.get('calls:mute')!({ callId: 'c', muted: true }, sender)).resolves.toMatchObject({ ok: true, value: { muted: true } });
    await expect(table.get('calls:mute')!({ callId: 'c' }, sender)).resolves.toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });
});

function validSettings(): Settings {
  return settingsWith({ wsUrl: 'ws://127.0.0.1:8080', sipUri: 'sip:1001@127.0.0.1', authUser: '1001', registerOnStart: false });
}
