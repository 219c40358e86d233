// The Electron half of the one guard. Every contract command is registered here (through
// registerCommands, like the web host); a message is dispatched only when it comes from the main
// frame of our own window showing our own origin. Events go back with webContents.send.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { CommandName, EventName, EventPayload, Handlers, Result } from '../../preload/contract.ts';
import { registerCommands } from '../core/dispatch.ts';
import type { EventSink, Logger } from '../core/ports.ts';
import { isAppUrl } from './app-protocol.ts';

export const forbiddenSender: Result<never> = {
  ok: false,
  error: { code: 'forbidden-sender', message: 'The message did not come from the app window.' },
};

/**
 * True when the message comes from `contents` itself, from its current main frame (not a subframe,
 * not a document that navigated away), and that frame shows app://hookswitch.
 */
export function isTrustedSender(event: IpcMainInvokeEvent, contents: WebContents | null): boolean {
  if (!contents || contents.isDestroyed() || event.sender.id !== contents.id) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  const main = contents.mainFrame;
  if (frame.processId !== main.processId || frame.frameToken !== main.frameToken) return false;
  return isAppUrl(frame.url);
}

export interface IpcGuardOptions {
  ipcMain: Pick<IpcMain, 'handle'>;
  handlers: Handlers;
  /** The window's webContents, or null while there is none. */
  trustedContents: () => WebContents | null;
  logger: Logger;
}

/**
 * Registers every command on ipcMain once; returns every name handed to ipcMain.handle, in order,
 * repeats included (Electron itself throws on a repeat, which would fail the app's start).
 */
export function installIpcGuard(options: IpcGuardOptions): readonly CommandName[] {
  const { ipcMain, handlers, trustedContents, logger } = options;
  const handled: CommandName[] = [];
  registerCommands(
    (name, fn) => {
      handled.push(name);
      ipcMain.handle(name, async (event, rawArgs: unknown) => {
        if (!isTrustedSender(event, trustedContents())) {
          logger.warn(`ipc: ${name} from an untrusted sender (${event.senderFrame?.url ?? 'no frame'}) refused`);
          return forbiddenSender;
        }
        return fn(rawArgs, { id: String(event.sender.id) });
      });
    },
    handlers,
    { logger },
  );
  return handled;
}

/** Events to our window(s): all of them, or one by the sender id its commands arrive with. */
export function createIpcEventSink(targets: () => readonly WebContents[]): EventSink {
  const live = (): WebContents[] => targets().filter((contents) => !contents.isDestroyed());
  return {
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      for (const contents of live()) contents.send(event, payload);
    },
    emitTo<E extends EventName>(senderId: string, event: E, payload: EventPayload<E>) {
      for (const contents of live()) if (String(contents.id) === senderId) contents.send(event, payload);
    },
  };
}
