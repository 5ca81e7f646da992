/** The control APIs' shared shape (CONTRACT.md "Control APIs"): JSON in, `{error}` with 400 for a malformed command. */
import type Hapi from '@hapi/hapi';
import { PATH } from '../lib/contract.ts';

/** A control route: an unreadable body is answered `400 {error}`, as every malformed command is. */
export function controlRoute(path: string, handler: Hapi.Lifecycle.Method, maxBytes?: number): Hapi.ServerRoute {
  return {
    method: 'POST',
    path: `${PATH.control}${path}`,
    options: {
      payload: {
        ...(maxBytes ? { maxBytes } : {}),
        failAction: (_request, h, error) =>
          h
            .response({ error: `cuerpo ilegible / unreadable body: ${error instanceof Error ? error.message : String(error)}` })
            .code(400)
            .takeover(),
      },
    },
    handler,
  };
}

export const badCommand = (h: Hapi.ResponseToolkit, error: string): Hapi.ResponseObject => h.response({ error }).code(400);

export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
