/** Formats a path as an RFC 6901 JSON pointer (`''` is the document root). */
export function toJsonPointer(path: readonly PropertyKey[]): string {
  let pointer = '';
  for (const segment of path) {
    pointer += '/' + String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
  }
  return pointer;
}
