/** Helpers shared by the identifier validators of every program. */
import { type Finding, finding, type LocalizedText } from '../findings/finding.ts';

/** Names the JS type of a non-string input in messages without echoing the value itself. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * The finding for an identifier that is not even a string. `expected` says what it must be, in English and the
 * program's language ("La CURP debe ser una cadena de texto" / "The CURP must be a string"); the type received is appended.
 */
export function notAString(ruleId: string, location: string, value: unknown, expected: LocalizedText): Finding {
  const got = typeName(value);
  const received: Record<'en' | 'es' | 'ru', string> = { en: `got ${got}`, es: `se recibió ${got}`, ru: `получено: ${got}` };
  const say = (text: string | undefined, lang: 'en' | 'es' | 'ru') => (text === undefined ? {} : { [lang]: `${text}; ${received[lang]}.` });
  return finding(ruleId, 'error', 'invalid', location, { en: `${expected.en}; ${received.en}.`, ...say(expected.es, 'es'), ...say(expected.ru, 'ru') });
}
