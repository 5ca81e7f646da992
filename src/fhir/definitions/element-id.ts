/**
 * Element ids for definitions written without them, from the path and the slice names seen so far
 * (`active`: path prefix → current slice). A new element at a level ends any slice context below it.
 */
export function deriveElementId(path: string | undefined, sliceName: string | undefined, active: Map<string, string>): string {
  const segments = (path ?? '').split('.');
  const parts: string[] = [];
  for (let k = 0; k < segments.length; k++) {
    const prefix = segments.slice(0, k + 1).join('.');
    let segment = segments[k]!;
    if (k === segments.length - 1) {
      for (const key of [...active.keys()]) if (key.startsWith(prefix + '.')) active.delete(key);
      if (sliceName) {
        active.set(prefix, sliceName);
        segment += ':' + sliceName;
      } else active.delete(prefix);
    } else {
      const slice = active.get(prefix);
      if (slice) segment += ':' + slice;
    }
    parts.push(segment);
  }
  return parts.join('.');
}
