// The URL part of the secrets policy lives with the rest of it.
export { sanitizeBaseUrl } from './redaction.ts';
