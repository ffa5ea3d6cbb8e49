/**
 * regex.globs_match: do two "glob-like" regexes (literals, `.`, `[...]` classes, `*` `+` `?`) match a common
 * string? Decided, as OPA's glob-intersection library does, by searching the product of the two automata.
 */

type Range = [number, number];
/** A character set: sorted positive ranges over code points. */
type CharSet = Range[];
interface Token { set: CharSet; quant: "1" | "*" | "?" }

const MAX_CP = 0x10ffff;
const ANY: CharSet = [[0, MAX_CP]];

function complement(set: CharSet): CharSet {
  const out: CharSet = [];
  let next = 0;
  for (const [lo, hi] of [...set].sort((a, b) => a[0] - b[0])) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

function overlaps(a: CharSet, b: CharSet): boolean {
  return a.some(([alo, ahi]) => b.some(([blo, bhi]) => alo <= bhi && blo <= ahi));
}

function parse(glob: string): Token[] {
  const cps = [...glob];
  const tokens: Token[] = [];
  let i = 0;
  const escaped = (c: string): number => c.codePointAt(0)!;
  while (i < cps.length) {
    const c = cps[i]!;
    let set: CharSet;
    if (c === "\\") {
      if (i + 1 >= cps.length) throw new Error(`trailing backslash in ${JSON.stringify(glob)}`);
      const cp = escaped(cps[i + 1]!);
      set = [[cp, cp]];
      i += 2;
    } else if (c === ".") {
      set = ANY;
      i++;
    } else if (c === "[") {
      i++;
      const neg = cps[i] === "^";
      if (neg) i++;
      const ranges: CharSet = [];
      let closed = false;
      while (i < cps.length) {
        let ch = cps[i]!;
        if (ch === "]" ) { closed = true; i++; break; }
        if (ch === "\\") { i++; ch = cps[i] ?? ""; }
        const lo = escaped(ch);
        if (cps[i + 1] === "-" && cps[i + 2] !== undefined && cps[i + 2] !== "]") {
          let hiCh = cps[i + 2]!;
          let skip = 3;
          if (hiCh === "\\") { hiCh = cps[i + 3] ?? ""; skip = 4; }
          const hi = escaped(hiCh);
          if (hi < lo) throw new Error(`invalid range in ${JSON.stringify(glob)}`);
          ranges.push([lo, hi]);
          i += skip;
        } else {
          ranges.push([lo, lo]);
          i++;
        }
      }
      if (!closed) throw new Error(`unclosed character class in ${JSON.stringify(glob)}`);
      set = neg ? complement(ranges) : ranges;
    } else if (c === "*" || c === "+" || c === "?") {
      throw new Error(`quantifier without a preceding character in ${JSON.stringify(glob)}`);
    } else {
      const cp = escaped(c);
      set = [[cp, cp]];
      i++;
    }
    const q = cps[i];
    if (q === "*" || q === "?") { tokens.push({ set, quant: q }); i++; }
    else if (q === "+") { tokens.push({ set, quant: "1" }, { set, quant: "*" }); i++; }
    else tokens.push({ set, quant: "1" });
  }
  return tokens;
}

/** States reachable from k without consuming (skipping `*` and `?` tokens). */
function closure(tokens: Token[], k: number): number[] {
  const out = [k];
  while (k < tokens.length && tokens[k]!.quant !== "1") out.push(++k);
  return out;
}

/** True if some string matches both globs in full. Throws on malformed globs. */
export function globsIntersect(a: string, b: string): boolean {
  const ta = parse(a);
  const tb = parse(b);
  const seen = new Set<string>();
  const stack: Array<[number, number]> = [[0, 0]];
  while (stack.length) {
    const [i0, j0] = stack.pop()!;
    for (const i of closure(ta, i0)) {
      for (const j of closure(tb, j0)) {
        const key = `${i},${j}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (i === ta.length && j === tb.length) return true;
        if (i === ta.length || j === tb.length) continue;
        const x = ta[i]!;
        const y = tb[j]!;
        if (!overlaps(x.set, y.set)) continue;
        // A `*` token stays put; its closure lets it stop repeating later.
        stack.push([x.quant === "*" ? i : i + 1, y.quant === "*" ? j : j + 1]);
      }
    }
  }
  return false;
}
