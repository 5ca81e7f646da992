/** Helpers shared by the identifier validators of every program. */
import { type Finding, finding, type LocalizedText } from '../findings/finding.ts';

/** Names the JS type of a non-string input in messages without echoing the value itself. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * The finding for an identifier that is not even a string. `expected` says what it must be
 * ("La CURP debe ser una cadena de texto" / "The CURP must be a string"); the type received is appended.
 */
export function notAString(ruleId: string, location: string, value: unknown, expected: Required<Pick<LocalizedText, 'es' | 'en'>>): Finding {
  return finding(ruleId, 'error', 'invalid', location, {
    es: `${expected.es}; se recibió ${typeName(value)}.`,
    en: `${expected.en}; got ${typeName(value)}.`,
  });
}
