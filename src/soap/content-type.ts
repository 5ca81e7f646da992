/** The Content-Type of a SOAP 1.2 message (RFC 3902, RFC 9110 §8.3.1): media type, charset, action. */

export interface ContentType {
  /** Lower-cased `type/subtype`; empty when the header is absent or unreadable. */
  mediaType: string;
  /** Lower-cased, as given. */
  charset?: string;
  /** RFC 3902 `action`: when present it must equal wsa:Action (WS-Addressing SOAP Binding §5.1). */
  action?: string;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const PARAMETER = new RegExp(`^\\s*;\\s*(${TOKEN})=(?:(${TOKEN})|"((?:[^"\\\\]|\\\\.)*)")`);
const MEDIA_TYPE = new RegExp(`^\\s*(${TOKEN}/${TOKEN})`);

/** Never throws; an unreadable header is an empty media type (which no SOAP route accepts). */
export function readContentType(header: string | undefined): ContentType {
  const m = header === undefined ? null : MEDIA_TYPE.exec(header);
  if (!m || header === undefined) return { mediaType: '' };
  const out: ContentType = { mediaType: m[1]!.toLowerCase() };
  let rest = header.slice(m[0].length);
  for (let p = PARAMETER.exec(rest); p; p = PARAMETER.exec(rest)) {
    const name = p[1]!.toLowerCase();
    const value = p[2] ?? p[3]!.replace(/\\(.)/g, '$1');
    if (name === 'charset') out.charset = value.toLowerCase();
    else if (name === 'action') out.action = value;
    rest = rest.slice(p[0].length);
  }
  return out;
}

/** What an HTTP header's quoted-string can carry: visible ASCII and spaces (a control character would be refused). */
const HEADER_SAFE = /^[\x20-\x7e]*$/;

/**
 * A Content-Type value for a SOAP 1.2 message, with the action parameter quoted when there is one. The parameter is
 * optional (RFC 3902): an Action a header cannot carry (a peer's control characters echoed back) is left out of it.
 */
export function soap12ContentType(action?: string): string {
  return action === undefined || !HEADER_SAFE.test(action) ? 'application/soap+xml; charset=UTF-8' : `application/soap+xml; charset=UTF-8; action="${action.replace(/["\\]/g, '\\$&')}"`;
}
