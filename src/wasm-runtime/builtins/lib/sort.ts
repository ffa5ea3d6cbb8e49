// A stable merge sort of value pointers in Rego's total order (value_compare), for sort(),
// which must order arrays; sets already iterate sorted.

import { alloc } from "../../alloc";
import { value_compare } from "../../compare";

/** Sorts `n` u32 value pointers at `elems` in place. */
export function sort_values(elems: usize, n: u32): void {
  if (n < 2) return;
  const tmp = alloc(<usize>n << 2);
  let src = elems;
  let dst = tmp;
  // Bottom-up: runs of width 1, 2, 4… merged from src into dst, then swapped.
  for (let width: u32 = 1; width < n; width <<= 1) {
    for (let lo: u32 = 0; lo < n; lo += width << 1) {
      const mid = min<u32>(lo + width, n);
      const hi = min<u32>(lo + (width << 1), n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const a = load<u32>(src + (<usize>i << 2));
        const b = load<u32>(src + (<usize>j << 2));
        if (value_compare(<usize>b, <usize>a) < 0) {
          store<u32>(dst + (<usize>k << 2), b);
          j++;
        } else {
          store<u32>(dst + (<usize>k << 2), a);
          i++;
        }
        k++;
      }
      while (i < mid) {
        store<u32>(dst + (<usize>k << 2), load<u32>(src + (<usize>i << 2)));
        k++;
        i++;
      }
      while (j < hi) {
        store<u32>(dst + (<usize>k << 2), load<u32>(src + (<usize>j << 2)));
        k++;
        j++;
      }
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src != elems) memory.copy(elems, src, <usize>n << 2);
}
