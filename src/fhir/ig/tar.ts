/**
 * The regular files of a (gzipped) tar archive, as FHIR NPM packages are published (`package.tgz`).
 * Reads the ustar layout with the two long-name extensions packages use (GNU `L` and pax `path`); nothing
 * else of tar is needed to read a package, so no tar library is depended on.
 */
import { gunzipSync } from 'node:zlib';

export interface TarFile {
  name: string;
  data: Buffer;
}

const BLOCK = 512;

export class TarError extends Error {}

const field = (block: Buffer, start: number, length: number): string => {
  const raw = block.subarray(start, start + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? raw.length : nul).toString('utf8');
};

function octal(block: Buffer, start: number, length: number): number {
  const s = field(block, start, length).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarError(`bad size field '${s}'`);
  return Number.parseInt(s, 8);
}

/** The path a pax extended header sets, if any (`NN path=value\n` records). */
function paxPath(data: Buffer): string | undefined {
  const text = data.toString('utf8');
  let at = 0;
  while (at < text.length) {
    const space = text.indexOf(' ', at);
    if (space < 0) break;
    const length = Number.parseInt(text.slice(at, space), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = text.slice(space + 1, at + length - 1);
    if (record.startsWith('path=')) return record.slice(5);
    at += length;
  }
  return undefined;
}

/** Gunzips when the bytes are gzip, then lists the archive's regular files. Throws TarError on a malformed archive. */
export function readTar(bytes: Buffer): TarFile[] {
  let tar: Buffer;
  try {
    tar = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  } catch (error) {
    throw new TarError(`not a readable gzip stream (${(error as Error).message})`);
  }
  const files: TarFile[] = [];
  let longName: string | undefined;
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 0);
    const dataStart = offset + BLOCK;
    if (dataStart + size > tar.length) throw new TarError('truncated archive');
    const data = tar.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = field(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === 'g') continue;
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    if (type === '0' || type === '\0' || type === '7') files.push({ name, data });
  }
  if (files.length === 0 && offset === 0) throw new TarError('no tar header found');
  return files;
}
