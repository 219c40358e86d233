// The web host's framing of the contract over one WebSocket (ws://127.0.0.1:<port>/api?token=…).
// Electron carries the same commands and events over IPC; only this framing differs.
import { z } from 'zod';

export const WEB_API_PATH = '/api';
export const WEB_TOKEN_PARAM = 'token';

/** Browser -> web host. */
export const ClientFrame = z.object({
  type: z.literal('invoke'),
  id: z.number().int().nonnegative(),
  command: z.string().max(64),
  args: z.unknown(),
});
export type ClientFrame = z.infer<typeof ClientFrame>;

/** Web host -> browser: a command's result (the same envelope as IPC), or an event. */
export const ServerFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('result'),
    id: z.number().int().nonnegative(),
    result: z.union([
      z.object({ ok: z.literal(true), value: z.unknown() }),
      z.object({ ok: z.literal(false), error: z.looseObject({ code: z.string(), message: z.string() }) }),
    ]),
  }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** Largest frame either side accepts; a bigger one closes the socket with 1009. */
export const MAX_FRAME_BYTES = 256 * 1024;
