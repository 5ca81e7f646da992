/** A plain JSON-like object: not null and not an array (arrays are objects to `typeof`, and never what callers mean). */
export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
