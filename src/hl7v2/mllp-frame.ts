/**
 * MLLP framing: VT (0x0B) … FS (0x1C) CR (0x0D) around each message, and `MllpDeframer`, an incremental byte-level
 * deframer whose memory stays bounded whatever a peer sends (see `mllp.ts`).
 */

export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
const SAMPLE_BYTES = 64;
/** How much of an oversize frame is kept, to read its MSH for the reply's MSA-2. */
const HEAD_BYTES = 8 * 1024;

export type BadFrameReason = 'missing-fs' | 'no-cr-after-fs' | 'oversize' | 'incomplete';

export type MllpEvent = { kind: 'message'; payload: Buffer } | { kind: 'garbage'; bytes: number; sample: Buffer } | { kind: 'bad-frame'; reason: BadFrameReason; bytes: number; payload: Buffer };

/** Wraps a message in VT … FS CR. */
export function frameMllp(message: string | Buffer): Buffer {
  const body = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  return Buffer.concat([Buffer.from([VT]), body, Buffer.from([FS, CR])]);
}

/** Bytes to text: UTF-8, or Latin-1 when they are not valid UTF-8. */
export function decodePayload(payload: Buffer): string {
  return decodeWithEncoding(payload).text;
}

/** Bytes to text, saying how they were read: a receiver must tell bytes that do not match MSH-18 (v1.1). */
export function decodeWithEncoding(payload: Buffer): { text: string; encoding: 'utf-8' | 'latin1' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(payload), encoding: 'utf-8' };
  } catch {
    return { text: payload.toString('latin1'), encoding: 'latin1' };
  }
}

const isWhitespace = (b: number): boolean => b === CR || b === 0x0a || b === 0x20 || b === 0x09;

export class MllpDeframer {
  private state: 'outside' | 'frame' | 'after-fs' | 'discard' = 'outside';
  private parts: Buffer[] = [];
  private size = 0;
  private garbageBytes = 0;
  private garbageSample: Buffer[] = [];
  private garbageSampleSize = 0;
  private discarded = 0;
  private head: Buffer = Buffer.alloc(0);

  constructor(readonly maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {}

  /** True while a frame is open (VT seen, FS CR not yet). */
  get inFrame(): boolean {
    return this.state !== 'outside';
  }
  /** True when a frame has its FS and waits for the CR that ends it. */
  get awaitingCr(): boolean {
    return this.state === 'after-fs';
  }
  /** True when garbage waits for `flushIdle`. */
  get pendingIdle(): boolean {
    return this.garbageBytes > 0;
  }

  private addGarbage(bytes: Buffer): void {
    this.garbageBytes += bytes.length;
    if (this.garbageSampleSize < SAMPLE_BYTES) {
      const take = bytes.subarray(0, SAMPLE_BYTES - this.garbageSampleSize);
      this.garbageSample.push(take);
      this.garbageSampleSize += take.length;
    }
  }
  private endGarbage(out: MllpEvent[]): void {
    if (this.garbageBytes === 0) return;
    out.push({ kind: 'garbage', bytes: this.garbageBytes, sample: Buffer.concat(this.garbageSample) });
    this.garbageBytes = 0;
    this.garbageSample = [];
    this.garbageSampleSize = 0;
  }
  private takeFrame(): Buffer {
    const payload = Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    return payload;
  }
  private openFrame(): void {
    this.state = 'frame';
    this.parts = [];
    this.size = 0;
  }

  push(chunk: Buffer): MllpEvent[] {
    const out: MllpEvent[] = [];
    let i = 0;
    while (i < chunk.length) {
      switch (this.state) {
        case 'outside': {
          const vt = chunk.indexOf(VT, i);
          const end = vt === -1 ? chunk.length : vt;
          let start = i;
          // Whitespace between frames is not garbage; anything else (and whatever follows it up to VT) is.
          if (this.garbageBytes === 0) while (start < end && isWhitespace(chunk[start] ?? 0)) start++;
          if (start < end) this.addGarbage(chunk.subarray(start, end));
          if (vt === -1) return out;
          this.endGarbage(out);
          this.openFrame();
          i = vt + 1;
          break;
        }
        case 'frame': {
          const fs = chunk.indexOf(FS, i);
          const vt = chunk.indexOf(VT, i);
          const stop = fs === -1 ? vt : vt === -1 ? fs : Math.min(fs, vt);
          const end = stop === -1 ? chunk.length : stop;
          if (this.size + (end - i) > this.maxFrameBytes) {
            const room = Math.max(0, HEAD_BYTES - this.size);
            // Up to the frame's end (FS or VT) at most: past it are the next frame's bytes, and an FS echoed from the
            // head into the AR's MSH would break the reply's own framing.
            this.head = Buffer.concat([...this.parts, chunk.subarray(i, Math.min(end, i + room))]).subarray(0, HEAD_BYTES);
            this.discarded = this.size;
            this.parts = [];
            this.size = 0;
            this.state = 'discard';
            break;
          }
          this.parts.push(chunk.subarray(i, end));
          this.size += end - i;
          if (stop === -1) return out;
          if (stop === vt) {
            out.push({ kind: 'bad-frame', reason: 'missing-fs', bytes: this.size, payload: this.takeFrame() });
            this.openFrame();
            i = vt + 1;
          } else {
            this.state = 'after-fs';
            i = fs + 1;
          }
          break;
        }
        case 'after-fs': {
          const payload = this.takeFrame();
          this.state = 'outside';
          if (chunk[i] === CR) {
            out.push({ kind: 'message', payload });
            i++;
          } else {
            out.push({ kind: 'bad-frame', reason: 'no-cr-after-fs', bytes: payload.length, payload });
          }
          break;
        }
        case 'discard': {
          const fs = chunk.indexOf(FS, i);
          const vt = chunk.indexOf(VT, i);
          const stop = fs === -1 ? vt : vt === -1 ? fs : Math.min(fs, vt);
          const end = stop === -1 ? chunk.length : stop;
          this.discarded += end - i;
          if (stop === -1) return out;
          out.push({ kind: 'bad-frame', reason: 'oversize', bytes: this.discarded, payload: this.head });
          this.head = Buffer.alloc(0);
          this.discarded = 0;
          if (stop === vt) {
            this.openFrame();
            i = vt + 1;
          } else {
            this.state = 'outside';
            i = fs + 1;
          }
          break;
        }
      }
    }
    return out;
  }

  /** The sender has gone quiet: report the garbage so far (there is no frame to wait for). */
  flushIdle(): MllpEvent[] {
    const out: MllpEvent[] = [];
    this.endGarbage(out);
    return out;
  }

  /**
   * Gives up on whatever is open (frame timeout, or the connection ended): an FS still waiting for its CR (which may
   * just be late, in the next TCP segment, so only the frame timeout ends the wait), an unclosed frame, an oversize
   * frame being discarded.
   */
  abort(): MllpEvent[] {
    const out = this.flushIdle();
    if (this.state === 'after-fs') {
      const payload = this.takeFrame();
      out.push({ kind: 'bad-frame', reason: 'no-cr-after-fs', bytes: payload.length, payload });
    } else if (this.state === 'frame') {
      const payload = this.takeFrame();
      out.push({ kind: 'bad-frame', reason: 'incomplete', bytes: payload.length, payload });
    } else if (this.state === 'discard') {
      out.push({ kind: 'bad-frame', reason: 'oversize', bytes: this.discarded, payload: this.head });
      this.head = Buffer.alloc(0);
      this.discarded = 0;
    }
    this.state = 'outside';
    return out;
  }
}

/** What each framing problem is, for the AR a listener answers and the finding a sender reports. */
export const FRAMING_TEXT: Record<BadFrameReason | 'garbage', { en: string; es: string }> = {
  garbage: { en: 'bytes outside an MLLP frame (before VT)', es: 'bytes fuera de un marco MLLP (antes de VT)' },
  'missing-fs': { en: 'an MLLP frame without its end (FS): a new VT arrived first', es: 'un marco MLLP sin su fin (FS): llegó antes un nuevo VT' },
  'no-cr-after-fs': { en: 'an MLLP frame whose FS is not followed by CR', es: 'un marco MLLP cuyo FS no va seguido de CR' },
  oversize: { en: 'an MLLP frame larger than the limit', es: 'un marco MLLP mayor que el límite' },
  incomplete: { en: 'an MLLP frame that was never closed (no FS CR)', es: 'un marco MLLP que nunca se cerró (sin FS CR)' },
};
