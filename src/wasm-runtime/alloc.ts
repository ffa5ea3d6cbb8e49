// The arena allocator: a bump pointer over the imported memory. Nothing is freed one by one;
// `opa_heap_ptr_set` (or opa_eval's heap argument) resets the arena between evaluations.
// The pointer's initial value is 0 here and patched by the linker to the end of all data.

/** Exported so the linker can patch its init to the end of the data segments. */
export let regent_heap_ptr: usize = 0;

// @ts-ignore: decorator
@inline
function align8(n: usize): usize {
  return (n + 7) & ~(<usize>7);
}

/**
 * Bytes of memory known to exist. Memory never shrinks, so a stale (smaller) value only sends an
 * allocation to the slow path, which rereads memory.size (the host may have grown it too).
 */
let known_end: usize = 0;

/** Makes sure memory covers `end` bytes; grows by at least double to keep growth rare. */
// @ts-ignore: decorator
@inline
function ensure(end: usize): void {
  if (end > known_end) ensure_slow(end);
}

function ensure_slow(end: usize): void {
  let have = <usize>memory.size() << 16;
  if (end > have) {
    const needPages = <i32>((end - have + 0xffff) >> 16);
    const cur = memory.size();
    const want = needPages > cur ? needPages : cur;
    if (memory.grow(want) < 0) {
      if (memory.grow(needPages) < 0) unreachable();
    }
    have = <usize>memory.size() << 16;
  }
  known_end = have;
}

/** Returns `size` fresh bytes, 8-aligned. Never fails (grows memory or traps when exhausted). */
export function alloc(size: usize): usize {
  const p = align8(regent_heap_ptr);
  const end = p + size;
  ensure(end);
  regent_heap_ptr = end;
  return p;
}

/** Like `alloc`, and zeroes the bytes. */
export function alloc_zeroed(size: usize): usize {
  const p = alloc(size);
  memory.fill(p, 0, size);
  return p;
}

export function alloc_copy(src: usize, size: usize): usize {
  const p = alloc(size);
  memory.copy(p, src, size);
  return p;
}

/**
 * Grows the block at `p` from `oldSize` to `newSize`: in place when it is the last allocation
 * (the common case for buffers being filled), otherwise by copying.
 */
export function alloc_grow(p: usize, oldSize: usize, newSize: usize): usize {
  if (p + oldSize == regent_heap_ptr) {
    ensure(p + newSize);
    regent_heap_ptr = p + newSize;
    return p;
  }
  const q = alloc(newSize);
  memory.copy(q, p, oldSize);
  return q;
}

/** Gives back the tail of the last allocation (used after a buffer was over-reserved). */
export function alloc_shrink(p: usize, oldSize: usize, newSize: usize): void {
  if (p + oldSize == regent_heap_ptr && newSize <= oldSize) regent_heap_ptr = p + newSize;
}

export function heap_ptr_get(): usize {
  return regent_heap_ptr;
}

export function heap_ptr_set(p: usize): void {
  regent_heap_ptr = align8(p);
}
