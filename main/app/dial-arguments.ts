// Numbers on a command line: the system starts Hookswitch with a link as an argument (Windows and
// Linux, for tel:/sip:/sips:/callto:), and `hookswitch dial <number>` hands one over by hand. The
// running instance receives the second instance's arguments; the first instance reads its own.
// Chromium adds switches of its own (--original-process-start-time=...), and in development the
// app's folder follows the executable, so only what is not a switch is looked at.
import type { DialForm } from '../core/cti/dial-requests.ts';
import { LINK_SCHEMES } from '../core/cti/dial-links.ts';

export interface DialArgument {
  text: string;
  form: Extract<DialForm, 'link' | 'argument'>;
}

const LINK = new RegExp(`^(${LINK_SCHEMES.join('|')}):`, 'i');

/** The number or link in these arguments, or null when they carry none (a plain start). */
export function dialArgumentOf(argv: readonly string[]): DialArgument | null {
  const plain = argv.slice(1).filter((a) => !a.startsWith('--'));
  const link = plain.find((a) => LINK.test(a));
  if (link !== undefined) return { text: link, form: 'link' };
  const at = plain.findIndex((a) => a.toLowerCase() === 'dial');
  if (at === -1) return null;
  // `hookswitch dial +49 30 1234567` arrives as several words.
  const rest = plain.slice(at + 1).join(' ').trim();
  return { text: rest, form: 'argument' };
}

/** How a user hands a number to the running app on this system (shown in settings). */
export function dialCommandFor(platform: NodeJS.Platform, executable: string, packaged: boolean): string {
  if (!packaged) return 'npm start -- dial <number>';
  const quoted = /\s/.test(executable) ? `"${executable}"` : executable;
  if (platform === 'linux') return 'hookswitch dial <number>';
  return `${quoted} dial <number>`;
}
