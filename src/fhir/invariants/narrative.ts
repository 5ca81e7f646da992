/**
 * R4 gives txt-1 (only the allowed XHTML elements and attributes) and txt-2 (some non-whitespace content)
 * the same expression, `htmlChecks()`, and fhirpath.js's htmlChecks() tests both rules at once, so an empty
 * but well-formed div would fail txt-1 as well. The HL7 validator splits them (htmlChecks1 / htmlChecks2);
 * so does this module.
 */

const WHITESPACE_REF = /^&#(?:x0*(?:20|9|a|d)|0*(?:32|9|10|13));$/i;

/**
 * txt-2, as its R4 XPath says: a non-blank text node, or an `img` with a `src`. Character references count
 * as content unless they stand for one of the four XML whitespace characters.
 */
export function hasNarrativeContent(div: string): boolean {
  const text = div.replace(/<!--[\s\S]*?-->/g, '');
  if (/<img\b[^>]*\bsrc\s*=/i.test(text)) return true;
  for (const segment of text.split(/<[^>]*>/)) {
    const stripped = segment.replace(/&[^;\s<>]*;/g, (ref) => (WHITESPACE_REF.test(ref) ? ' ' : 'x'));
    if (/[^\u0020\u0009\u000A\u000D]/.test(stripped)) return true;
  }
  return false;
}

/**
 * Gives a content-less div one character of text before its closing tag, so that the structural checks of
 * htmlChecks() can be run on it without the content rule. Returns undefined if the div does not end in `</div>`.
 */
export function withPlaceholderContent(div: string): string | undefined {
  const at = div.lastIndexOf('</div');
  if (at < 0 || div.slice(at).replace(/\s+/g, '') !== '</div>') return undefined;
  return `${div.slice(0, at)}x${div.slice(at)}`;
}
