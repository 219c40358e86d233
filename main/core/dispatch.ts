// The host-independent half of the one guard: every command from any renderer, over IPC or the
// web host's WebSocket, passes through `dispatch`. The host checks the sender first; this checks
// the command name, parses the arguments with the contract's schema and wraps every outcome in
// the { ok, value } / { ok: false, error } envelope, so nothing a handler throws crosses raw.
import type { z } from 'zod';
import { commands, commandNames } from '../../preload/contract.ts';
import type { CommandName, Handlers, Result, SenderInfo } from '../../preload/contract.ts';
import { toErrorInfo, AppError } from './errors.ts';
import { silentLogger } from './ports.ts';
import type { Logger } from './ports.ts';

/** A registered command as a host calls it: raw arguments in, envelope out; it never throws. */
export type CommandFn = (rawArgs: unknown, sender: SenderInfo) => Promise<Result<unknown>>;

export type Dispatch = (command: string, rawArgs: unknown, sender: SenderInfo) => Promise<Result<unknown>>;

export interface DispatchOptions {
  logger?: Logger;
}

/** True for the names the contract defines; an own-property check, so 'constructor' is not one. */
export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

export function unknownCommand(command: string): Result<never> {
  return { ok: false, error: { code: 'unknown-command', message: `Unknown command: ${command.slice(0, 64)}` } };
}

/** At most three issues, each as "path: message", so logs and tests can see what was wrong. */
export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${path === '' ? '(arguments)' : path}: ${issue.message}`;
  });
  const more = error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : '';
  return parts.join('; ') + more;
}

export function createDispatcher(handlers: Handlers, options: DispatchOptions = {}): Dispatch {
  const logger = options.logger ?? silentLogger;
  // The handler table is typed per command; through a string name we can only call it untyped.
  const table = handlers as unknown as Record<CommandName, (args: unknown, sender: SenderInfo) => Promise<unknown>>;

  return async (command, rawArgs, sender) => {
    if (!isCommandName(command)) return unknownCommand(command);
    const parsed = commands[command].args.safeParse(rawArgs);
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'invalid-argument', message: `${command}: ${describeIssues(parsed.error)}` },
      };
    }
    try {
      const value = await table[command](parsed.data, sender);
      return { ok: true, value };
    } catch (err) {
      if (!(err instanceof AppError)) logger.error(`command ${command} failed`, err);
      return { ok: false, error: toErrorInfo(err) };
    }
  };
}

/**
 * Registers every contract command exactly once through the host's `register`. Both hosts call
 * this, once, which is what keeps them on the same contract; it is the one place that refuses a
 * missing handler or a name registered twice. Returns the names registered, in order.
 */
export function registerCommands(
  register: (name: CommandName, fn: CommandFn) => void,
  handlers: Handlers,
  options: DispatchOptions = {},
): readonly CommandName[] {
  const dispatch = createDispatcher(handlers, options);
  const seen = new Set<CommandName>();
  for (const name of commandNames) {
    if (seen.has(name)) throw new Error(`Command registered twice: ${name}`);
    if (typeof (handlers as Partial<Record<string, unknown>>)[name] !== 'function') {
      throw new Error(`No handler for command: ${name}`);
    }
    seen.add(name);
    register(name, (rawArgs, sender) => dispatch(name, rawArgs, sender));
  }
  return [...seen];
}
