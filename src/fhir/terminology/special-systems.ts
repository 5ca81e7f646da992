/**
 * Code systems that no CodeSystem resource describes but for which a small, correct offline answer exists.
 * Each returns `true` (valid code), `false` (certainly not a code of the system) or a string: why the
 * question cannot be settled offline (the code has the right shape but only the full registry knows).
 *
 * Like the HL7 validator without a terminology server, a well-formed code of a system we cannot enumerate is
 * never called invalid: BCP-47 tags and MIME types are accepted on syntax (the IANA registries are not
 * shipped), UCUM is checked for real with ucum-lhc (the library fhirpath itself uses), ISO 3166/4217 codes
 * are only rejected when they cannot have the shape of such a code.
 */
import { createRequire } from 'node:module';

export type Tri = true | false | string;

export interface SpecialSystem {
  /** Membership of a code in the whole system. */
  check(code: string): Tri;
  /** Membership under one compose filter, or undefined when the filter is not understood here. */
  filter?(property: string, op: string, value: string): ((code: string) => Tri) | undefined;
}

export const BCP47 = 'urn:ietf:bcp:47';
export const BCP13 = 'urn:ietf:bcp:13';
export const UCUM = 'http://unitsofmeasure.org';
export const RFC3986 = 'urn:ietf:rfc:3986';
export const ISO3166 = 'urn:iso:std:iso:3166';
export const ISO4217 = 'urn:iso:std:iso:4217';

// RFC 5646 §2.1 well-formedness (case-insensitive), including the grandfathered tags of §2.2.8.
const LANGTAG =
  '(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})' + // language, extlang
  '(?:-[a-z]{4})?' + // script
  '(?:-(?:[a-z]{2}|[0-9]{3}))?' + // region
  '(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*' + // variants
  '(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*' + // extensions
  '(?:-x(?:-[a-z0-9]{1,8})+)?'; // private use
const PRIVATEUSE = 'x(?:-[a-z0-9]{1,8})+';
const GRANDFATHERED = [
  'en-GB-oed',
  'i-ami',
  'i-bnn',
  'i-default',
  'i-enochian',
  'i-hak',
  'i-klingon',
  'i-lux',
  'i-mingo',
  'i-navajo',
  'i-pwn',
  'i-tao',
  'i-tay',
  'i-tsu',
  'sgn-BE-FR',
  'sgn-BE-NL',
  'sgn-CH-DE',
  'art-lojban',
  'cel-gaulish',
  'no-bok',
  'no-nyn',
  'zh-guoyu',
  'zh-hakka',
  'zh-min',
  'zh-min-nan',
  'zh-xiang',
].map((t) => t.replace(/-/g, '\\-'));
const BCP47_RE = new RegExp(`^(?:${LANGTAG}|${PRIVATEUSE}|${GRANDFATHERED.join('|')})$`, 'i');

export function isWellFormedLanguageTag(tag: string): boolean {
  if (!BCP47_RE.test(tag)) return false;
  // §2.2.5/§2.2.6: a variant or an extension singleton may not repeat.
  const subtags = tag.toLowerCase().split('-');
  const privateAt = subtags.indexOf('x');
  const scoped = privateAt < 0 ? subtags : subtags.slice(0, privateAt);
  const singletons = scoped.filter((s) => s.length === 1);
  if (new Set(singletons).size !== singletons.length) return false;
  const firstExtension = scoped.findIndex((s, i) => i > 0 && s.length === 1);
  const variants = (firstExtension < 0 ? scoped : scoped.slice(0, firstExtension)).filter((s, i) => i > 0 && (s.length >= 5 || /^[0-9][a-z0-9]{3}$/.test(s)));
  return new Set(variants).size === variants.length;
}

// RFC 6838 §4.2 restricted names, with optional RFC 2045 parameters (FHIR allows `text/plain; charset=UTF-8`).
const TOP_LEVEL_TYPES = new Set(['application', 'audio', 'example', 'font', 'haptics', 'image', 'message', 'model', 'multipart', 'text', 'video']);
const RESTRICTED_NAME = '[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}';
const TOKEN = "[A-Za-z0-9!#$%&'*+.^_`|~-]+";
// Parameter values may also be unquoted URLs: RFC 2045 would quote them, but FHIR itself writes
// `application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json` and the HL7 validator accepts it.
const PARAMETER_VALUE = `(?:${TOKEN}|"[^"]*"|[^\\s;"]+)`;
const MIME_RE = new RegExp(`^(${RESTRICTED_NAME})/${RESTRICTED_NAME}(?:\\s*;\\s*${TOKEN}=${PARAMETER_VALUE})*$`);

export function isWellFormedMimeType(code: string): boolean {
  const m = MIME_RE.exec(code);
  return m !== null && TOP_LEVEL_TYPES.has((m[1] as string).toLowerCase());
}

const ABSOLUTE_URI_RE = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/;

interface UcumUtils {
  validateUnitString(unit: string): { status: string };
  convertUnitTo(from: string, value: number, to: string): { status: string };
}

let ucumUtils: UcumUtils | null | undefined;

/**
 * ucum-lhc is loaded on the first UCUM question only (it costs about 100 ms), from fhirpath's own
 * dependencies so that Sello does not declare a second copy.
 */
function loadUcum(): UcumUtils | null {
  if (ucumUtils !== undefined) return ucumUtils;
  try {
    const require = createRequire(import.meta.url);
    const fromFhirpath = createRequire(require.resolve('fhirpath'));
    const lib = fromFhirpath('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumUtils } };
    ucumUtils = lib.UcumLhcUtils.getInstance();
  } catch {
    ucumUtils = null;
  }
  return ucumUtils;
}

function memo(fn: (code: string) => Tri, limit = 10_000): (code: string) => Tri {
  const cache = new Map<string, Tri>();
  return (code) => {
    let r = cache.get(code);
    if (r === undefined) {
      r = fn(code);
      if (cache.size >= limit) cache.clear();
      cache.set(code, r);
    }
    return r;
  };
}

const ucumSystem: SpecialSystem = {
  check: memo((code) => {
    const u = loadUcum();
    if (!u) return 'the UCUM library (ucum-lhc) could not be loaded';
    try {
      return u.validateUnitString(code).status === 'valid';
    } catch {
      return false;
    }
  }),
  filter(property, op, value) {
    // `canonical = X`: units that convert to X (the same canonical unit), as in all-time-units/all-distance-units.
    if (property !== 'canonical' || op !== '=') return undefined;
    return memo((code) => {
      const u = loadUcum();
      if (!u) return 'the UCUM library (ucum-lhc) could not be loaded';
      try {
        return u.validateUnitString(code).status === 'valid' && u.convertUnitTo(code, 1, value).status === 'succeeded';
      } catch {
        return false;
      }
    });
  },
};

const reasonFor = (system: string, what: string): string => `${system} is not available offline: ${what} can only be checked against the full code system`;

export const SPECIAL_SYSTEMS: ReadonlyMap<string, SpecialSystem> = new Map<string, SpecialSystem>([
  [BCP47, { check: (code) => isWellFormedLanguageTag(code) }],
  [BCP13, { check: (code) => isWellFormedMimeType(code) }],
  [UCUM, ucumSystem],
  [RFC3986, { check: (code) => ABSOLUTE_URI_RE.test(code) }],
  [ISO3166, { check: (code) => (/^(?:[A-Za-z]{2,3}|[0-9]{3})$/.test(code) ? reasonFor(ISO3166, `country code '${code}'`) : false) }],
  [ISO4217, { check: (code) => (/^[A-Za-z]{3}$/.test(code) ? reasonFor(ISO4217, `currency code '${code}'`) : false) }],
]);

/**
 * R4 binds CapabilityStatement.format and others to `mimetypes` but the spec's own examples use the short
 * forms; the HL7 validator accepts `xml`, `json` and `ttl` there (before R6).
 */
export const MIMETYPES_VALUESET = 'http://hl7.org/fhir/ValueSet/mimetypes';
export const MIMETYPE_SHORT_FORMS = new Set(['xml', 'json', 'ttl']);
