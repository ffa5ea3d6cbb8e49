/**
 * Finds a Rego module's package path without the full parser, so that reading a bundle (in
 * the sidecar, which must not depend on the compiler) can still check module roots.
 */

/** `package a.b["c-d"]` → `["a", "b", "c-d"]`; null when the text has no package declaration. */
export function packagePathOf(source: string): string[] | null {
  let i = 0;
  const n = source.length;
  const skip = (): void => {
    for (;;) {
      while (i < n && /\s/.test(source[i])) i++;
      if (source[i] === "#") {
        while (i < n && source[i] !== "\n") i++;
        continue;
      }
      return;
    }
  };
  skip();
  if (!source.startsWith("package", i) || !/\s/.test(source[i + 7] ?? "")) return null;
  i += 7;
  skip();
  const path: string[] = [];
  const ident = (): string | null => {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i, i + 256));
    if (!m) return null;
    i += m[0].length;
    return m[0];
  };
  const first = ident();
  if (!first) return null;
  path.push(first);
  for (;;) {
    if (source[i] === ".") {
      i++;
      const id = ident();
      if (!id) return null;
      path.push(id);
    } else if (source[i] === "[") {
      const m = /^\[\s*"((?:[^"\\\n]|\\.)*)"\s*\]/.exec(source.slice(i, i + 1024));
      if (!m) return null;
      try {
        path.push(JSON.parse(`"${m[1]}"`) as string);
      } catch {
        return null;
      }
      i += m[0].length;
    } else {
      break;
    }
  }
  // OPA writes `package data.a` and `package a` alike; the data prefix is implied.
  return path[0] === "data" ? path.slice(1) : path;
}
