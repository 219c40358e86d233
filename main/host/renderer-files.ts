// Serving the built renderer (dist/renderer), shared by both hosts: Electron's app:// protocol and
// the web host's HTTP server. Only files inside the renderer folder are ever read, and every
// response carries the same strict Content-Security-Policy.
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve } from 'node:path';

/**
 * The page may load only its own scripts, styles, images, fonts and media, and talk only to its
 * own origin (plus `extraConnectSrc`, the web host's WebSocket). No inline script or style, no
 * eval, no frames, no forms, no <base>.
 */
export function contentSecurityPolicy(extraConnectSrc: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self' blob: data:",
    "font-src 'self'",
    ['connect-src', "'self'", ...extraConnectSrc].join(' '),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.webm': 'audio/webm',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(path: string): string {
  return contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a URL path to a file inside `rootDir`, or null when it would leave the folder or is not a
 * plain relative path. '/' is index.html.
 */
export function resolveRendererPath(rootDir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (!decoded.startsWith('/')) return null;
  // Refuse '..' outright rather than normalising it away: no legitimate renderer URL has one.
  if (decoded.split('/').some((segment) => segment === '..')) return null;
  const relativePath = decoded === '/' ? 'index.html' : decoded.slice(1);
  const root = resolve(rootDir);
  const full = resolve(root, relativePath);
  return isInside(root, full) ? full : null;
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

export interface StaticResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Headers every renderer response carries, file or error. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

function notFound(csp: string): StaticResponse {
  return {
    status: 404,
    headers: { ...securityHeaders(csp), 'Content-Type': 'text/plain; charset=utf-8' },
    body: Buffer.from('Not found\n'),
  };
}

/** Reads the file a URL path names; 404 for anything outside the renderer folder or missing. */
export async function readRendererFile(rootDir: string, urlPath: string, csp: string): Promise<StaticResponse> {
  const path = resolveRendererPath(rootDir, urlPath);
  if (path === null) return notFound(csp);
  try {
    // Follow symlinks, then check again: a link must not lead out of the folder either.
    const [realRoot, realFile] = await Promise.all([realpath(resolve(rootDir)), realpath(path)]);
    if (!isInside(realRoot, realFile)) return notFound(csp);
    const info = await stat(realFile);
    if (!info.isFile()) return notFound(csp);
    const body = await readFile(realFile);
    const isHtml = extname(realFile).toLowerCase() === '.html';
    return {
      status: 200,
      headers: {
        ...securityHeaders(csp),
        'Content-Type': contentTypeFor(realFile),
        // Hashed assets may be cached; the page itself must pick up a new build at once.
        'Cache-Control': isHtml ? 'no-store' : 'no-cache',
      },
      body,
    };
  } catch {
    return notFound(csp);
  }
}
