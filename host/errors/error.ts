// Errors the way PowerShell reports them: an ErrorId of `<Id>,<Command-Name>` and the en-US message.
// Binding errors and a cmdlet's own errors share this class so scripts can test `err.ErrorId` alike.
// The ids and texts live in catalogs (host/errors/catalog.ts, host/binder/messages.ts); this constructor is
// the one place the command name is added to an id.

export class PodeError extends Error {
  /** `<Id>,<Command-Name>`, e.g. `NamedParameterNotFound,ConvertTo-PodeSseConnection`; `<Id>` without a command. */
  readonly ErrorId: string;
  /** The parameter the error is about, when there is one. */
  readonly ParameterName: string | undefined;
  /** The HTTP status a request handler should answer with when this error escapes it. */
  readonly StatusCode: number | undefined;

  constructor(id: string, command: string, message: string, extra: { parameter?: string; status?: number } = {}) {
    super(message);
    this.name = 'PodeError';
    this.ErrorId = command ? `${id},${command}` : id;
    this.ParameterName = extra.parameter;
    this.StatusCode = extra.status;
  }

  /** The bare id, without the command name. */
  get Id(): string {
    const comma = this.ErrorId.indexOf(',');
    return comma < 0 ? this.ErrorId : this.ErrorId.slice(0, comma);
  }

  /** The same error reported by `command`: an engine error a cmdlet passes on as its own. */
  withCommand(command: string): PodeError {
    return new PodeError(this.Id, command, this.message, { parameter: this.ParameterName, status: this.StatusCode });
  }
}

export function isPodeError(err: unknown): err is PodeError {
  return err instanceof PodeError;
}

/** An engine error (no command in its ErrorId yet) passed on by a cmdlet as its own; anything else as it is. */
export function asCmdletError(err: unknown, command: string): unknown {
  return isPodeError(err) && !err.ErrorId.includes(',') ? err.withCommand(command) : err;
}

/**
 * The message of something thrown by script code (a getter, a Proxy trap, an iterator), for quoting in a
 * PodeError. Reading it runs no further script code that could throw again: anything odd reads as its kind.
 */
export function errorText(err: unknown): string {
  try {
    const message: unknown = err instanceof Error ? err.message : err;
    return typeof message === 'string' ? message : String(message);
  } catch {
    return 'an exception whose message cannot be read';
  }
}
