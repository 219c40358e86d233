// The check both hosts' tests make: the names a host handed to its transport (ipcMain.handle, the
// web host's command table) are the contract's commands, each exactly once.
import { expect } from 'vitest';
import { commandNames } from '../../../preload/contract.ts';

export function expectOneHandlerEach(registered: readonly string[]): void {
  expect([...registered].sort(), 'the contract commands, no more, no fewer').toEqual([...commandNames].sort());
  expect(new Set(registered).size, 'no command registered twice').toBe(registered.length);
}
