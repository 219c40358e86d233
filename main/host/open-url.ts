// Opens a web page in the system's default browser from plain Node (the web host; Electron has
// shell.openExternal). Only http(s) without credentials, and the URL is one argument of a program
// started without a shell, so nothing in it is ever interpreted as a command.
import { spawn } from 'node:child_process';

export function isWebUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** The opener program and its arguments for this OS. */
export function openerFor(platform: NodeJS.Platform, url: string): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  // rundll32's URL handler takes the URL as one argument; `start` would need cmd.exe's parsing.
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}

export function openUrlInBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  if (!isWebUrl(url)) return Promise.reject(new Error('only http and https pages are opened'));
  const [command, args] = openerFor(platform, url);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, shell: false });
    child.once('error', (error) => {
      reject(new Error(`${command} could not be started: ${error.message}`));
    });
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
