// The app:// protocol: the renderer is served from dist/renderer under app://hookswitch, never
// file://, so it has a real origin that the CSP, the permission handlers and the IPC guard can
// check, and no access to the rest of the disk.
import { protocol } from 'electron';
import { contentSecurityPolicy, readRendererFile, securityHeaders } from '../host/renderer-files.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'hookswitch';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;
export const APP_CSP = contentSecurityPolicy();

/** True for URLs on our own origin (app://hookswitch/…). */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    // Node's URL gives non-special schemes an opaque origin ('null'), so compare the parts.
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/**
 * Must run before the app's ready event. standard + secure make app:// behave like https (a real
 * origin, a secure context for getUserMedia); corsEnabled lets Vite's `<script type="module"
 * crossorigin>` load (no response carries Access-Control-Allow-Origin, so nothing is shared
 * cross-origin); stream lets <audio> seek ringtones.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true, codeCache: true },
    },
  ]);
}

/** Answers one app:// request from the renderer folder; anything else is a 404. */
export async function appProtocolResponse(rendererDir: string, request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.host !== APP_HOST || (request.method !== 'GET' && request.method !== 'HEAD')) {
    return new Response('Not found\n', {
      status: 404,
      headers: { ...securityHeaders(APP_CSP), 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
  const file = await readRendererFile(rendererDir, url.pathname, APP_CSP);
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(file.body), {
    status: file.status,
    headers: file.headers,
  });
}

/** After ready: serves app:// on the default session. */
export function handleAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(rendererDir, request));
}
