// The Electron preload: exposes the contract to the page as window.hookswitch and nothing more.
// Only contract command names can be invoked and only contract event names subscribed; the page
// never sees ipcRenderer or an IPC event object. Built into one CommonJS file (sandboxed preloads
// cannot load other files), with zod bundled in.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { BRIDGE_KEY, commandNames, eventNames } from './contract.ts';
import type { CommandArgs, CommandName, CommandResult, EventName, EventPayload, HookswitchApi, Result } from './contract.ts';

const allowedCommands: ReadonlySet<string> = new Set(commandNames);
const allowedEvents: ReadonlySet<string> = new Set(eventNames);

export const api: HookswitchApi = {
  invoke<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<Result<CommandResult<C>>> {
    if (typeof command !== 'string' || !allowedCommands.has(command)) {
      return Promise.reject(new Error(`Unknown command: ${command}`));
    }
    // The guard in main checks the sender, parses the arguments and answers with the envelope.
    return ipcRenderer.invoke(command, args) as Promise<Result<CommandResult<C>>>;
  },
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    if (typeof event !== 'string' || !allowedEvents.has(event)) throw new Error(`Unknown event: ${event}`);
    if (typeof listener !== 'function') throw new Error('listener must be a function');
    const wrapped = (_event: IpcRendererEvent, payload: EventPayload<E>): void => {
      listener(payload);
    };
    ipcRenderer.on(event, wrapped);
    return () => {
      ipcRenderer.removeListener(event, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, api);
