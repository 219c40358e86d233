// sip.js logs through a connector; this routes its warnings and errors to the core's Logger.
import { Core } from 'sip.js';
import type { LogConnector } from 'sip.js';
import type { Logger } from '../ports.ts';

export function sipLogConnector(logger: Logger): LogConnector {
  // sip.js hands its connector every level, whatever logLevel says; 'log' and 'debug' trace each
  // transaction and would drown the log, so only warnings and errors pass.
  return (level, category, label, content) => {
    if (level !== 'error' && level !== 'warn') return;
    const text = `sip.js ${category}${label ? ` ${label}` : ''}: ${content}`;
    if (level === 'error') logger.error(text);
    else logger.warn(text);
  };
}

/** A sip.js logger that says nothing: for parsing untrusted input whose failure we report ourselves. */
export function silentSipLogger(): Core.Logger {
  const factory = new Core.LoggerFactory();
  factory.builtinEnabled = false;
  factory.level = Core.Levels.error;
  return factory.getLogger('hookswitch.parse');
}
