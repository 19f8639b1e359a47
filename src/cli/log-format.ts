import { destination, type Logger, type LoggerOptions, pino } from 'pino';
import { GongzhiError } from '../errors/index.js';

/** How the node's log lines are written. */
export type LogFormat = 'auto' | 'json' | 'pretty';

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
const COLOURS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
/** pino's own fields, shown in the line's prefix (or not at all) rather than as key=value pairs. */
const OWN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v']);

function value(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  if (v !== null && typeof v === 'object') {
    // pino's serialised error: its message and stack read better on lines of their own.
    const err = v as { type?: unknown; message?: unknown; stack?: unknown };
    if (typeof err.message === 'string' && typeof err.stack === 'string')
      return `${err.message}\n${err.stack}`;
  }
  return JSON.stringify(v);
}

/**
 * One pino JSON line as a line for people: `12:00:01.234 INFO  message key=value …`. A line that
 * is not pino JSON is passed through unchanged. (pino-pretty does this too; it is not among the
 * project's packages, and this is all the node needs.)
 */
export function prettyLine(line: string, colour: boolean): string {
  let o: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return line;
    o = parsed as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = typeof o.level === 'number' ? o.level : 30;
  const time = typeof o.time === 'number' ? new Date(o.time).toISOString().slice(11, 23) : '';
  const name = LEVELS[level] ?? String(level);
  const tag = colour ? `\u001b[${COLOURS[level] ?? '0'}m${name}\u001b[0m` : name;
  const extra = Object.entries(o)
    .filter(([k]) => !OWN.has(k))
    .map(([k, v]) => `${k}=${value(v)}`);
  const msg = typeof o.msg === 'string' ? o.msg : '';
  return [time, tag, msg, ...extra].filter((x) => x !== '').join(' ');
}

/** A pino destination that writes `prettyLine` of each line to stderr. */
function prettyStream(colour: boolean): { write(chunk: string): void } {
  let buffered = '';
  return {
    write(chunk: string) {
      buffered += chunk;
      let i = buffered.indexOf('\n');
      while (i >= 0) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        if (line !== '') process.stderr.write(`${prettyLine(line, colour)}\n`);
        i = buffered.indexOf('\n');
      }
    },
  };
}

/** True when `auto` means human-readable: stderr is a terminal. */
export function wantsPretty(format: LogFormat, isTty = process.stderr.isTTY === true): boolean {
  return format === 'pretty' || (format === 'auto' && isTty);
}

/** The node's logger on stderr: JSON lines for machines, or lines for people on a terminal. */
export function cliLogger(level: string, format: LogFormat): Logger {
  const opts: LoggerOptions = { level };
  if (!wantsPretty(format)) return pino(opts, destination(2));
  // Synchronous writes: a line is on the terminal before the next one, and before an exit.
  return pino(opts, prettyStream(process.stderr.isTTY === true && process.env.NO_COLOR === undefined));
}

/** Parse --log-format. */
export function logFormat(v: string): LogFormat {
  if (v === 'auto' || v === 'json' || v === 'pretty') return v;
  throw new GongzhiError('CONFIG_INVALID', `--log-format must be auto, json or pretty (got ${v})`, {
    value: v,
  });
}
