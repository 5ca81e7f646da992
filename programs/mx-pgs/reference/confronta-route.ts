import { Readable } from 'node:stream';
import type Hapi from '@hapi/hapi';
import type { Finding } from '../../../src/findings/finding.ts';
import type { FaultSet } from '../../../src/mock/faults.ts';
import { markUnauthenticated } from '../../../src/mock/mock-server.ts';
import { acuseForCode, buildAcuse } from '../lib/acuse.ts';
import { CONFRONTA_CONTENT_TYPE, toLatin1 } from '../lib/confronta/format.ts';
import { ConfrontaSession } from '../lib/confronta/match.ts';
import type { Acuse } from '../lib/types.ts';
import type { CentralIndex } from './central-index.ts';
import { BadCompression, InflatedTooLarge, MAX_INFLATED_BYTES, openUpload, type Upload } from './confronta-upload.ts';
import { PGS_BASE_PATH, type PgsNode } from './pgs-node.ts';

export const CONFRONTA_PATH = `${PGS_BASE_PATH}/confronta`;
/**
 * hapi checks it against Content-Length only (a streamed payload is never counted). A 10 M-line padrón is about
 * 1.5 GB; 4 GiB leaves room for long names and repeats without letting a runaway upload announce itself as valid.
 */
const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;
/** About what one answer write carries (Latin-1: a character is a byte). */
const RESULT_CHUNK_CHARS = 64 * 1024;
const LATIN1_CHARSETS = new Set(['iso-8859-1', 'iso8859-1', 'latin1', 'latin-1', 'l1']);

/** Header-row errors are RN-10 (malformed message) in the acuse; the format rule id stays readable in the text. */
function underRn10(f: Finding): Finding {
  return {
    ...f,
    ruleId: 'RN-10',
    message: { en: `${f.message.en} (${f.ruleId})`, ...(f.message.es ? { es: `${f.message.es} (${f.ruleId})` } : {}) },
  };
}

function charsetOf(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m?.[1]?.toLowerCase();
}

/**
 * `POST /pgs/v1/confronta` on the SSA node: a node streams its padrón file in and the result file streams out
 * while the upload is still arriving, so neither side ever holds a whole file (profiles/mx-pgs/confronta.md).
 * The 200 goes out once the header row has been read; what happens after that can only be told in the file,
 * which is why it always ends with a RESUMEN row: a result without it was cut short.
 */
export function registerConfronta(server: Hapi.Server, node: PgsNode, index: CentralIndex, faults?: FaultSet, limits: { maxInflatedBytes?: number } = {}): void {
  // Planted: a confronta that matches the file against itself only, never against the index.
  const matchedAgainst = faults?.has('confronta-ignores-index') ? { lookup: () => undefined } : index;
  server.route({
    method: 'POST',
    path: CONFRONTA_PATH,
    // parse: false — the body is inflated by the handler, after the caller is authenticated, and bounded.
    options: { payload: { output: 'stream', parse: false, allow: 'text/plain', maxBytes: MAX_UPLOAD_BYTES, timeout: false } },
    handler: async (request, h) => {
      const raw = request.payload as unknown as Readable;
      // The kernel journals request.payload and response.source as message bodies; a socket stream is neither
      // serialisable nor bounded, so the evidence of a confronta is this summary instead.
      const evidence: Record<string, unknown> = { confronta: 'padrón ISO-8859-1', bytesLeidos: 0 };
      Object.assign(request, { payload: evidence });
      let bytes = 0;
      let upload: Upload | undefined;

      const refuse = async (status: number, acuse: Acuse): Promise<Hapi.ResponseObject> => {
        // The rest of the upload is read and dropped (as sent, never inflated) before answering, as hapi does for its
        // own payload errors: closing a socket with unread bytes makes TCP reset it, and the answer could be lost.
        bytes += await (upload ?? openUpload(raw, undefined)).drain();
        evidence.bytesLeidos = bytes;
        return h.response({ acuse }).code(status).header('x-message-id', acuse.messageId);
      };

      const caller = node.authorize(request, false);
      if ('status' in caller) {
        markUnauthenticated(request);
        return refuse(caller.status, caller.body.acuse);
      }
      const charset = charsetOf(request.headers['content-type'] as string | undefined);
      if (charset !== undefined && !LATIN1_CHARSETS.has(charset)) {
        return refuse(400, acuseForCode(caller.messageId, 'PGS-110', 'header:Content-Type', `el archivo de confronta va en ISO-8859-1, no en ${charset}`));
      }
      upload = openUpload(raw, request.headers['content-encoding'] as string | undefined, limits.maxInflatedBytes ?? MAX_INFLATED_BYTES);
      const input = upload.chunks;

      const session = new ConfrontaSession(caller.party, matchedAgainst);
      const first: string[] = [];
      try {
        while (!session.header) {
          const next = await input.next();
          if (next.done) {
            first.push(...session.end());
            break;
          }
          bytes += next.value.length;
          first.push(...session.push(next.value));
        }
      } catch (error) {
        if (error instanceof InflatedTooLarge)
          return refuse(413, acuseForCode(caller.messageId, 'PGS-110', 'header:Content-Encoding', `el archivo comprimido excede ${error.limit} bytes al descomprimirse`));
        if (error instanceof BadCompression) return refuse(400, acuseForCode(caller.messageId, 'PGS-110', 'header:Content-Encoding', error.message));
        throw error;
      }
      const headerFindings = faults?.has('confronta-accepts-any-header') ? [] : (session.header?.findings ?? []);
      if (headerFindings.length > 0) return refuse(400, buildAcuse(caller.messageId, headerFindings.map(underRn10)));

      const reading = upload;
      // Result lines go out in Latin-1 buffers of about 64 KiB: an await per result line (hundreds of thousands in a
      // big padrón) or a socket write per upload chunk cost more than the matching of all the lines without one.
      let pending = '';
      const add = (lines: readonly string[]): void => {
        if (lines.length > 0) pending += `${lines.join('\r\n')}\r\n`;
      };
      const take = (): Buffer => {
        const chunk = toLatin1(pending);
        pending = '';
        return chunk;
      };
      async function* resultChunks(): AsyncGenerator<Buffer> {
        add([ConfrontaSession.RESULT_HEADER, ...first]);
        try {
          for (let next = await input.next(); !next.done; next = await input.next()) {
            bytes += next.value.length;
            add(session.push(next.value));
            if (pending.length >= RESULT_CHUNK_CHARS) yield take();
          }
        } catch (error) {
          if (!(error instanceof InflatedTooLarge || error instanceof BadCompression)) throw error;
          // The 200 is out: the result ends without its RESUMEN row, which is how a cut-short result is told.
          evidence.interrumpido = error.message;
          bytes += await reading.drain();
          if (pending) yield take();
          return;
        }
        add(session.end());
        yield take();
      }
      async function* body(): AsyncGenerator<Buffer> {
        try {
          yield* resultChunks();
        } finally {
          evidence.bytesLeidos = bytes;
          // hapi has taken its stream from the response by the time this runs (the body is only read after marshal).
          Object.assign(response, { source: { resumen: session.resumen } });
        }
      }
      const response = h
        .response(Readable.from(body(), { objectMode: false }))
        .code(200)
        .type(CONFRONTA_CONTENT_TYPE)
        .header('x-message-id', caller.messageId);
      return response;
    },
  });
}
