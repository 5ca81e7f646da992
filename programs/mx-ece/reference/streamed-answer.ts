/**
 * imss-ece's streamed answers (a record, an export file): text written as it is made, never one string. A peer outside
 * this process gets it copied to the record as it goes out (BodyTap), which is how the mock journals it. Sello's own
 * client in this process taps its side of the same exchange already, and the mock journals nothing for it
 * (src/mock/mock-server.ts): a second copy would write every byte to disk once more, for no reader.
 */
import { Readable } from 'node:stream';
import type Hapi from '@hapi/hapi';
import { BodyTap } from '../../../src/journal/body-tap.ts';
import type { SpilledBody } from '../../../src/journal/spill.ts';
import { SELLO_USER_AGENT } from '../../../src/transport/http-client.ts';

export function streamedAnswer(request: Hapi.Request, text: Iterable<string>, kind: SpilledBody['kind']): Readable {
  const stream = Readable.from(text, { objectMode: false });
  return request.headers['user-agent'] === SELLO_USER_AGENT ? stream : stream.pipe(new BodyTap(kind));
}
