/**
 * MLLP (Minimal Lower Layer Protocol, HL7 v2 over TCP): each message is framed VT (0x0B) … FS (0x1C) CR (0x0D).
 *
 * - `MllpDeframer`: incremental, byte-level deframer. Frames may arrive split across TCP chunks or several in one;
 *   bytes before VT are garbage; a VT inside an open frame means the previous frame lost its FS; FS must be
 *   followed by CR; a frame larger than `maxFrameBytes` is reported and discarded without being buffered (memory
 *   stays bounded). Whitespace between frames (CR, LF) is tolerated.
 * - `startMllpListener`: a listener that answers every frame with what `onMessage` returns, and every piece of
 *   garbage or bad framing with AR and an ERR saying what was wrong; a handler that throws or hangs gets AE/CE 207.
 *   Nothing a peer sends can crash it.
 * - `sendMllp` / `MllpConnection`: a sender whose every wait is bounded, and which reports what it waited for.
 *
 * node-hl7-server and node-hl7-client were evaluated for these roles and are not used: node-hl7-server (2.5.0 —
 * there is no 3.x) answers nothing to a frame that does not start with MSH, keeps the garbage in its buffer so the
 * next good message on that connection fails too, drops a message preceded by stray bytes, has no frame size
 * bound, and builds its own ACKs (MSH-9 `ACK^A04^ACK_A04`, MSH-10 always `ACK`, no ERR). node-hl7-client 3.2's
 * connection only sends its own `Message` objects (it cannot send the deliberately broken frames a conformance
 * test needs), trims every line of the reply and strips VT/FS anywhere before handing it over (so a badly framed
 * reply cannot be reported as such), and reconnects and retries on its own schedule. The test suite uses
 * node-hl7-client's sender against this listener as an interoperability check.
 */
export {
  type BadFrameReason,
  CR,
  DEFAULT_MAX_FRAME_BYTES,
  decodePayload,
  decodeWithEncoding,
  FS,
  frameMllp,
  MllpDeframer,
  type MllpEvent,
  VT,
} from './mllp-frame.ts';
export {
  framingAck,
  type MllpListener,
  type MllpListenerEvent,
  type MllpListenerOptions,
  startMllpListener,
} from './mllp-listener.ts';
export { MllpPool, type MllpPoolOptions } from './mllp-pool.ts';
export { exchangeMllp, MllpConnection, MllpError, type MllpFailure, type MllpReply, type MllpSendOptions, sendMllp } from './mllp-sender.ts';
