// The dial shortcut in the settings: a key press recorded as an Electron accelerator, and an
// accelerator written the way the user's keyboard labels it. Pure, so it is unit-tested.

export interface KeyPress {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

const NAMED_CODES: Record<string, string> = {
  Space: 'Space',
  Tab: 'Tab',
  Enter: 'Enter',
  Backspace: 'Backspace',
  Delete: 'Delete',
  Insert: 'Insert',
  Home: 'Home',
  End: 'End',
  PageUp: 'PageUp',
  PageDown: 'PageDown',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
};

/** The key of a press, as Electron names it, or null for a lone modifier or a key it has no name for. */
function keyOf(press: KeyPress): string | null {
  const letter = /^Key([A-Z])$/.exec(press.code)?.[1];
  if (letter !== undefined) return letter;
  const digit = /^(?:Digit|Numpad)([0-9])$/.exec(press.code)?.[1];
  if (digit !== undefined) return press.code.startsWith('Numpad') ? `num${digit}` : digit;
  if (/^F([1-9]|1\d|2[0-4])$/.test(press.code)) return press.code;
  return NAMED_CODES[press.code] ?? null;
}

/**
 * The accelerator for a key press: null while only modifiers are held, or when nothing but Shift
 * is (a system-wide shortcut would take a letter from every program).
 */
export function acceleratorOf(press: KeyPress, mac: boolean): string | null {
  const key = keyOf(press);
  if (key === null) return null;
  const parts: string[] = [];
  if (mac ? press.metaKey : press.ctrlKey) parts.push('CommandOrControl');
  if (mac && press.ctrlKey) parts.push('Control');
  if (!mac && press.metaKey) parts.push('Super');
  if (press.altKey) parts.push('Alt');
  if (press.shiftKey) parts.push('Shift');
  if (parts.length === 0 || parts.every((p) => p === 'Shift')) return null;
  return [...parts, key].join('+');
}

const MAC_LABELS: Record<string, string> = { CommandOrControl: '⌘', Command: '⌘', Control: '⌃', Alt: '⌥', Shift: '⇧', Super: '⌘' };
const PC_LABELS: Record<string, string> = { CommandOrControl: 'Ctrl', Command: 'Ctrl', Control: 'Ctrl', Alt: 'Alt', Shift: 'Shift', Super: 'Win' };

/** "CommandOrControl+Alt+Shift+D" as the keys read: ⌘⌥⇧D on a Mac, Ctrl+Alt+Shift+D elsewhere. */
export function shortcutLabel(accelerator: string, mac: boolean): string {
  const parts = accelerator.split('+');
  const labels = mac ? MAC_LABELS : PC_LABELS;
  const shown = parts.map((p) => labels[p] ?? p);
  return mac ? shown.join('') : shown.join('+');
}

export function isMac(userAgent: string): boolean {
  return /Mac OS X|Macintosh/.test(userAgent);
}
