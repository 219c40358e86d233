// The one way the app opens something outside itself: web pages and mail only. Anything else
// (file:, smb:, custom schemes) could launch programs, so it is refused.
import { shell } from 'electron';

const allowedProtocols = new Set(['http:', 'https:', 'mailto:']);

export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    if (!allowedProtocols.has(parsed.protocol)) return false;
    // user:pass@host is a classic way to disguise where a link goes.
    return parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** Opens `url` in the system's browser or mail client; false when the URL is refused. */
export async function openExternal(url: string): Promise<boolean> {
  if (!isSafeExternalUrl(url)) return false;
  await shell.openExternal(url);
  return true;
}
