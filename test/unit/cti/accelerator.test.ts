// The dial shortcut as settings keep it (Electron's accelerator spelling) and as the settings page
// records and shows it.
import { describe, expect, it } from 'vitest';
import { parseAccelerator } from '../../../main/core/cti/accelerator.ts';
import { acceleratorOf, shortcutLabel } from '../../../renderer/src/lib/shortcut.ts';

describe('accelerators', () => {
  it.each([
    ['CommandOrControl+Alt+Shift+D', 'CommandOrControl+Alt+Shift+D'],
    ['cmdorctrl+shift+d', 'CommandOrControl+Shift+D'],
    ['Ctrl+F12', 'Control+F12'],
    ['Alt+Space', 'Alt+Space'],
    ['Super+num5', 'Super+num5'],
    ['Ctrl++', 'Control+Plus'],
    ['Option+Shift+/', 'Alt+Shift+/'],
  ])('%s reads as %s', (text, canonical) => {
    expect(parseAccelerator(text)).toBe(canonical);
  });

  it.each([['D'], ['Shift+D'], ['Ctrl+Alt'], ['Ctrl+Ctrl+D'], ['Hyper+D'], ['Ctrl+F25'], ['Ctrl+DD'], ['Ctrl+'], [''], ['Ctrl+D\n'], ['A'.repeat(65)]])('%j is refused', (text) => {
    expect(parseAccelerator(text)).toBeNull();
  });
});

describe('recording a key press', () => {
  const press = (code: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>>) => ({
    key: '',
    code,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...mods,
  });

  it('Ctrl on a PC and Cmd on a Mac are CommandOrControl', () => {
    expect(acceleratorOf(press('KeyD', { ctrlKey: true, altKey: true, shiftKey: true }), false)).toBe('CommandOrControl+Alt+Shift+D');
    expect(acceleratorOf(press('KeyD', { metaKey: true, altKey: true }), true)).toBe('CommandOrControl+Alt+D');
    expect(acceleratorOf(press('KeyD', { metaKey: true }), false)).toBe('Super+D');
    expect(acceleratorOf(press('Digit7', { ctrlKey: true }), false)).toBe('CommandOrControl+7');
    expect(acceleratorOf(press('F9', { altKey: true }), false)).toBe('Alt+F9');
    // Every accelerator recorded is one the settings accept.
    expect(parseAccelerator(acceleratorOf(press('ArrowUp', { ctrlKey: true }), false) ?? '')).toBe('CommandOrControl+Up');
  });

  it('waits for a key, and never takes Shift alone or no modifier', () => {
    expect(acceleratorOf(press('ShiftLeft', { shiftKey: true }), false)).toBeNull();
    expect(acceleratorOf(press('KeyD', {}), false)).toBeNull();
    expect(acceleratorOf(press('KeyD', { shiftKey: true }), false)).toBeNull();
  });

  it('shows the keys as the keyboard labels them', () => {
    expect(shortcutLabel('CommandOrControl+Alt+Shift+D', false)).toBe('Ctrl+Alt+Shift+D');
    expect(shortcutLabel('CommandOrControl+Alt+Shift+D', true)).toBe('⌘⌥⇧D');
  });
});
