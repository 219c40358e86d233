// registerCommands' one duplicate check: were the contract's list ever to name a command twice,
// registration stops at the repeat instead of handing the host a second handler.
import { describe, expect, it, vi } from 'vitest';
import type { CommandName } from '../../../preload/contract.ts';
import { createFakeCore } from './fake-core.ts';
import { memoryEvents, testCoreOptions } from './test-options.ts';

vi.mock('../../../preload/contract.ts', async (importOriginal) => {
  const contract = await importOriginal<typeof import('../../../preload/contract.ts')>();
  return { ...contract, commandNames: [...contract.commandNames, 'calls:dial'] };
});
const { registerCommands } = await import('../../../main/core/dispatch.ts');

describe('registerCommands', () => {
  it('refuses a name registered twice, before the host sees the second', () => {
    const seen: CommandName[] = [];
    const handlers = createFakeCore(testCoreOptions(memoryEvents())).handlers;
    expect(() => registerCommands((name) => seen.push(name), handlers)).toThrow('Command registered twice: calls:dial');
    expect(seen.filter((name) => name === 'calls:dial')).toHaveLength(1);
  });
});
