// sip.js opens its transport with the global WebSocket, which Node 20 lacks (22 has one). The
// `ws` package speaks the same event API; it is installed once, before the first connect.
import WebSocket from 'ws';

export function installWebSocketGlobal(): void {
  const scope = globalThis as { WebSocket?: unknown };
  if (scope.WebSocket === undefined) scope.WebSocket = WebSocket;
}
