import { ConfigurationError } from '../config/errors.ts';

/** Why a listener could not bind, as the user can fix it. */
const BIND_FAILURES: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is already in use (another Sello run, `sello mocks`, or another program holds it)',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the host is not an address of this machine',
};

/**
 * A mock (HTTP or MLLP) that cannot listen where it was told to: the ports and host come from the user (a target
 * file's `mocks`, `sello mocks --port`), so it is a configuration error (exit 4) naming the listener and the address,
 * never an uncaught EADDRINUSE.
 */
export class ListenError extends ConfigurationError {
  constructor(
    readonly listener: string,
    readonly host: string,
    readonly port: number | undefined,
    readonly code: string,
  ) {
    super(
      `${listener} cannot listen on ${host}:${port ?? 0}: ${BIND_FAILURES[code] ?? code}. Choose other ports (the target file's mocks.ports / mocks.host, or sello mocks --port) or stop what holds them.`,
    );
    this.name = 'ListenError';
  }
}

/** `error` as a ListenError when it is a bind failure of `listener` on host:port; anything else unchanged. */
export function asListenError(error: unknown, listener: string, host: string, port: number | undefined): unknown {
  if (error instanceof ListenError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !(code in BIND_FAILURES)) return error;
  const where = error as { port?: unknown; address?: unknown };
  return new ListenError(listener, typeof where.address === 'string' ? where.address : host, typeof where.port === 'number' ? where.port : port, code);
}
