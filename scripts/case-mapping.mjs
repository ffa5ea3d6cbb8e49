// Unicode simple case mapping of one code point, as Go's unicode.ToLower/ToUpper give it, read
// from the ICU data of the running Node. Full (multi-rune) mappings are not simple ones: where ICU
// gives several runes, the simple mapping from UnicodeData.txt is used (listed below), else the
// rune maps to itself. Shared by gen-case-tables.mjs and the runtime's tests.

/** Simple mappings where the full mapping has several runes (UnicodeData.txt fields 12 and 13). */
function simpleUpperOfMulti(cp) {
  if ((cp >= 0x1f80 && cp <= 0x1f87) || (cp >= 0x1f90 && cp <= 0x1f97) || (cp >= 0x1fa0 && cp <= 0x1fa7)) return cp + 8;
  if (cp === 0x1fb3 || cp === 0x1fc3 || cp === 0x1ff3) return cp + 9;
  return cp;
}
const simpleLowerOfMulti = (cp) => (cp === 0x130 ? 0x69 : cp);

function single(s) {
  const cps = [...s];
  return cps.length === 1 ? cps[0].codePointAt(0) : undefined;
}

export function mapping(cp) {
  const ch = String.fromCodePoint(cp);
  return [single(ch.toLowerCase()) ?? simpleLowerOfMulti(cp), single(ch.toUpperCase()) ?? simpleUpperOfMulti(cp)];
}

