/**
 * The shapes of a requirement catalogue that its appliers (coverage, message selectors) share with the loader
 * (requirements.ts), kept in a module of their own so that neither imports the other.
 */
import type { LocalizedText } from '../findings/finding.ts';
import type { RequirementDefinition } from './model.ts';

/** Which messages a profile constraint governs. Every member is optional; regexes are JavaScript syntax. */
export interface MessageSelector {
  side?: 'request' | 'response';
  method?: string;
  /** Tested against the URL path, unanchored unless the pattern anchors it. */
  path?: string;
  /** `2xx`, `4xx`…: the response status class. */
  status?: string;
  /** Top-level members the side's JSON body must have. */
  has?: string[];
  /** Exactly these top-level members. */
  keys?: string[];
  /** For attributing a finding: its location (JSON pointer) must match. */
  pointer?: string;
}

export interface Requirement extends RequirementDefinition {
  /** Finding rule ids that count against it (always including its own id). */
  judgedBy: string[];
  /** Its behaviours, from the catalogue's `behaviours` (absent when it has none). */
  behaviours?: Behaviour[];
  /** Profile constraints: the messages it governs; absent for rules. */
  messages?: MessageSelector[];
}

/**
 * One observable behaviour of a requirement: what is sent or done, and what must come back or happen. A scenario
 * exercising it against role R is tagged `@<id>` and `@<R>`; (behaviour, role) is a cell of the coverage matrix.
 */
export interface Behaviour {
  /** `<requirement id>.<n>`, stable once published. */
  id: string;
  /** Id of the rule or profile constraint it belongs to. */
  requirement: string;
  sent: LocalizedText;
  expected: LocalizedText;
  /** The roles whose behaviour it judges. */
  roles: string[];
  source: string;
}

/** A tag without its leading `@`. */
export const stripAt = (t: string): string => (t.startsWith('@') ? t.slice(1) : t);
