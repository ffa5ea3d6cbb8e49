/**
 * Finds an object with the same key twice in JSON text. JSON.parse keeps the last value while some
 * servers keep the first, so `{"name":"search_docs","name":"delete_repo"}` could be judged as one
 * tool and run as the other; MCP bodies with repeated keys are refused instead of guessed at.
 */

/** Expects text that JSON.parse accepted; iterative, so nesting depth costs no stack. */
export function hasDuplicateKey(text: string): boolean {
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      let j = i + 1;
      let escaped = false;
      while (j < text.length) {
        const c = text.charCodeAt(j);
        if (c === 0x5c) {
          escaped = true;
          j += 2;
          continue;
        }
        if (c === 0x22) break;
        j++;
      }
      const top = stack.length ? stack[stack.length - 1] : null;
      if (top && expectKey) {
        // "na\u006de" is "name": compare keys decoded, as a parser sees them.
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        if (top.has(key)) return true;
        top.add(key);
        expectKey = false;
      }
      i = j;
    } else if (ch === 0x7b) {
      stack.push(new Set());
      expectKey = true;
    } else if (ch === 0x5b) {
      stack.push(null);
      expectKey = false;
    } else if (ch === 0x7d || ch === 0x5d) {
      stack.pop();
      expectKey = false;
    } else if (ch === 0x2c) {
      expectKey = stack.length > 0 && stack[stack.length - 1] !== null;
    }
  }
  return false;
}
