/** Deterministic content, so reads in every process can be compared with one expected hash. */
export function modelBytes(size: number, seed = 0): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 31 + 7 + seed * 13) & 0xff;
  return bytes;
}
