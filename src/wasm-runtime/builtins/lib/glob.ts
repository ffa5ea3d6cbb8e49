// The glob matcher behind glob.match, interpreting the pattern bytes directly (no compile step):
// `*` (no delimiter), `**` (anything), `?`, `[...]`/`[!...]` with ranges, `{a,b}` alternatives
// (nestable) and `\` escapes, with gobwas/glob's semantics as OPA uses them.

import { utf8Decode, utf8Width } from "./unicode";
import { alloc } from "../../alloc";

let patEnd: usize = 0;
let subEnd: usize = 0;
let delims: usize = 0; // i32 code points
let delimCount: i32 = 0;
let patBase: usize = 0;
let subBase: usize = 0;
/**
 * One bit per (pattern offset, subject offset) that is known not to match, or 0. Whether the rest
 * of the pattern matches the rest of the subject depends on those two offsets only (a position's
 * brace depth is fixed by the pattern), so memoizing failures bounds backtracking to
 * O(pattern × subject) even for patterns like `*a*a*a*b`.
 */
let failed: usize = 0;
/** Above this many bits the table is skipped (plain backtracking). */
const MEMO_MAX_BITS: u64 = 1 << 24;
/** Set when the pattern is malformed (unclosed `[` or `{`, trailing `\`); the match result is then meaningless. */
export let globError: bool = false;

/**
 * Matches the subject `[s, s+slen)` against the pattern `[p, p+plen)`. `delimPtr` holds `delimCount`
 * i32 code points that `*` and `?` do not match. Check `globError` afterwards.
 */
export function globMatch(p: usize, plen: i32, s: usize, slen: i32, delimPtr: usize, nDelims: i32): bool {
  patEnd = p + <usize>plen;
  subEnd = s + <usize>slen;
  delims = delimPtr;
  delimCount = nDelims;
  globError = false;
  patBase = p;
  subBase = s;
  if (!globValid(p)) {
    globError = true;
    return false;
  }
  failed = 0;
  const bits = (<u64>plen + 1) * (<u64>slen + 1);
  if (bits <= MEMO_MAX_BITS) {
    const bytes = <usize>((bits + 7) >> 3);
    failed = alloc(bytes);
    memory.fill(failed, 0, bytes);
  }
  return matchAt(p, s, 0);
}

function matchAt(p: usize, s: usize, depth: i32): bool {
  if (failed == 0) return matchFrom(p, s, depth);
  const bit = <usize>(p - patBase) * <usize>(subEnd - subBase + 1) + <usize>(s - subBase);
  const at = failed + (bit >> 3);
  const mask = <u8>(1 << <u8>(bit & 7));
  if ((load<u8>(at) & mask) != 0) return false;
  if (matchFrom(p, s, depth)) return true;
  store<u8>(at, load<u8>(at) | mask);
  return false;
}

function isDelim(cp: i32): bool {
  for (let i = 0; i < delimCount; i++) {
    if (load<i32>(delims + (<usize>i << 2)) == cp) return true;
  }
  return false;
}

/** Checks brackets, braces and escapes once, so the matcher can trust the structure. */
function globValid(p: usize): bool {
  let depth = 0;
  while (p < patEnd) {
    const c = load<u8>(p);
    if (c == 0x5c) {
      if (p + 1 >= patEnd) return false;
      p += 2;
      continue;
    }
    if (c == 0x5b) {
      const close = classEnd(p);
      if (close == 0) return false;
      p = close + 1;
      continue;
    }
    if (c == 0x7b) depth++;
    else if (c == 0x7d && depth > 0) depth--;
    p++;
  }
  return depth == 0;
}

/** Address of the `]` that closes the class opened at `p`, or 0. */
function classEnd(p: usize): usize {
  let q = p + 1;
  if (q < patEnd && load<u8>(q) == 0x21) q++;
  // A class needs at least one item, so a `]` right after `[` or `[!` is a member.
  if (q < patEnd && load<u8>(q) == 0x5d) q++;
  while (q < patEnd) {
    if (load<u8>(q) == 0x5d) return q;
    q++;
  }
  return 0;
}

/** Address just past the `}` that closes the group that `p` sits in (p is inside it). */
function groupEnd(p: usize): usize {
  let depth = 1;
  while (p < patEnd) {
    const c = load<u8>(p);
    if (c == 0x5c) {
      p += 2;
      continue;
    }
    if (c == 0x5b) {
      p = classEnd(p) + 1;
      continue;
    }
    if (c == 0x7b) depth++;
    else if (c == 0x7d) {
      depth--;
      if (depth == 0) return p + 1;
    }
    p++;
  }
  return patEnd;
}

function matchClass(p: usize, close: usize, cp: i32): bool {
  let q = p + 1;
  let negate = false;
  if (load<u8>(q) == 0x21) {
    negate = true;
    q++;
  }
  let found = false;
  while (q < close) {
    const lo = utf8Decode(q, close);
    q += <usize>utf8Width;
    let hi = lo;
    if (q + 1 < close && load<u8>(q) == 0x2d) {
      hi = utf8Decode(q + 1, close);
      q += 1 + <usize>utf8Width;
    }
    if (cp >= lo && cp <= hi) found = true;
  }
  return found != negate;
}

function matchFrom(p: usize, s: usize, depth: i32): bool {
  while (p < patEnd) {
    const c = load<u8>(p);
    if (c == 0x2a) {
      let q = p;
      while (q < patEnd && load<u8>(q) == 0x2a) q++;
      const superStar = q - p > 1;
      // Try every split point, shortest first; a single star stops at a delimiter.
      let t = s;
      while (true) {
        if (matchAt(q, t, depth)) return true;
        if (t >= subEnd) return false;
        const cp = utf8Decode(t, subEnd);
        if (!superStar && isDelim(cp)) return false;
        t += <usize>utf8Width;
      }
    }
    if (c == 0x3f) {
      if (s >= subEnd) return false;
      const cp = utf8Decode(s, subEnd);
      if (isDelim(cp)) return false;
      s += <usize>utf8Width;
      p++;
      continue;
    }
    if (c == 0x5b) {
      if (s >= subEnd) return false;
      const close = classEnd(p);
      const cp = utf8Decode(s, subEnd);
      if (!matchClass(p, close, cp)) return false;
      s += <usize>utf8Width;
      p = close + 1;
      continue;
    }
    if (c == 0x7b) {
      // Each alternative runs on to the end of the pattern: at its `,` or `}` it jumps past the group.
      let alt = p + 1;
      let q = p + 1;
      let nest = 0;
      while (q < patEnd) {
        const d = load<u8>(q);
        if (d == 0x5c) {
          q += 2;
          continue;
        }
        if (d == 0x5b) {
          q = classEnd(q) + 1;
          continue;
        }
        if (d == 0x7b) nest++;
        else if (d == 0x7d) {
          if (nest == 0) break;
          nest--;
        } else if (d == 0x2c && nest == 0) {
          if (matchAt(alt, s, depth + 1)) return true;
          alt = q + 1;
        }
        q++;
      }
      return matchAt(alt, s, depth + 1);
    }
    if (depth > 0 && c == 0x2c) {
      p = groupEnd(p + 1);
      depth--;
      continue;
    }
    if (depth > 0 && c == 0x7d) {
      p++;
      depth--;
      continue;
    }
    let lit = p;
    if (c == 0x5c) lit = p + 1;
    const pc = utf8Decode(lit, patEnd);
    const pw = utf8Width;
    if (s >= subEnd) return false;
    const sc = utf8Decode(s, subEnd);
    if (sc != pc) return false;
    s += <usize>utf8Width;
    p = lit + <usize>pw;
  }
  return s == subEnd;
}
