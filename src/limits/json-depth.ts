/**
 * Nesting depth of JSON, measured without recursion: on text before it is parsed (so a
 * 100,000-deep body costs one linear scan, never a parse or a stack), and on values already
 * in memory (claims, data). A limit is a number of nested arrays and objects.
 */

/** True when the JSON text (string or UTF-8 bytes) nests arrays/objects deeper than `max`. */
export function jsonTextTooDeep(text: string | Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  const n = text.length;
  const isStr = typeof text === "string";
  for (let i = 0; i < n; i++) {
    const c = isStr ? (text as string).charCodeAt(i) : (text as Uint8Array)[i]!;
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** True when a JSON-like value nests arrays/objects deeper than `max` (iterative walk). */
export function valueTooDeep(value: unknown, max: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (d > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const c of children) if (typeof c === "object" && c !== null && !ArrayBuffer.isView(c)) stack.push([c, d + 1]);
  }
  return false;
}
