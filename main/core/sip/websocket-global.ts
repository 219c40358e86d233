// sip.js opens its transport with the global WebSocket. Node 20 has none; Node 22 (Electron's)
// has undici's. Both hosts install the `ws` package's, so the one WebSocket the tests exercise
// against Kamailio is the one users run, whatever Node the host embeds.
import WebSocket from 'ws';

export function installWebSocketGlobal(): void {
  const scope = globalThis as { WebSocket?: unknown };
  if (scope.WebSocket !== WebSocket) scope.WebSocket = WebSocket;
}
