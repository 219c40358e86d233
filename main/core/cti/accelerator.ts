// Keyboard shortcuts as Electron writes them ("CommandOrControl+Alt+Shift+D"): checked here, so a
// setting the host could not register is refused when it is saved, with the field named. A
// system-wide shortcut needs a modifier other than Shift, or it would take a letter from every
// other program.

const MODIFIERS = new Map<string, string>(
  [
    ['command', 'Command'],
    ['cmd', 'Command'],
    ['control', 'Control'],
    ['ctrl', 'Control'],
    ['commandorcontrol', 'CommandOrControl'],
    ['cmdorctrl', 'CommandOrControl'],
    ['alt', 'Alt'],
    ['option', 'Alt'],
    ['altgr', 'AltGr'],
    ['shift', 'Shift'],
    ['super', 'Super'],
    ['meta', 'Super'],
  ],
);

const NAMED_KEYS = [
  'Plus', 'Space', 'Tab', 'Capslock', 'Numlock', 'Scrolllock', 'Backspace', 'Delete', 'Insert', 'Return', 'Enter',
  'Up', 'Down', 'Left', 'Right', 'Home', 'End', 'PageUp', 'PageDown', 'Escape', 'Esc', 'PrintScreen',
  'VolumeUp', 'VolumeDown', 'VolumeMute', 'MediaNextTrack', 'MediaPreviousTrack', 'MediaStop', 'MediaPlayPause',
  'num0', 'num1', 'num2', 'num3', 'num4', 'num5', 'num6', 'num7', 'num8', 'num9',
  'numdec', 'numadd', 'numsub', 'nummult', 'numdiv',
];
const KEYS = new Map<string, string>(NAMED_KEYS.map((k) => [k.toLowerCase(), k]));

function keyName(part: string): string | null {
  if (/^[a-z0-9]$/i.test(part)) return part.toUpperCase();
  if (/^f([1-9]|1\d|2[0-4])$/i.test(part)) return part.toUpperCase();
  if (/^[)!@#$%^&*(:;<=>,_\-.?/~`{}[\]|\\"']$/.test(part)) return part;
  return KEYS.get(part.toLowerCase()) ?? null;
}

/** The shortcut in Electron's canonical spelling, or null when it is not one a system can take. */
export function parseAccelerator(text: string): string | null {
  if (text.length > 64 || /[\s\p{C}]/u.test(text)) return null;
  const parts = text.split('+');
  // "Ctrl++" names the plus key: an empty part followed by an empty end.
  if (parts.length >= 3 && parts.at(-1) === '' && parts.at(-2) === '') parts.splice(-2, 2, 'Plus');
  if (parts.length < 2 || parts.some((p) => p === '')) return null;
  const key = keyName(parts.pop() ?? '');
  if (key === null) return null;
  const modifiers: string[] = [];
  for (const part of parts) {
    const modifier = MODIFIERS.get(part.toLowerCase());
    if (modifier === undefined || modifiers.includes(modifier)) return null;
    modifiers.push(modifier);
  }
  if (modifiers.every((m) => m === 'Shift')) return null;
  return [...modifiers, key].join('+');
}
