#!/bin/sh
# Starts the dispatcher, dist/main.js, with the V8 flags of a long-lived process of bounded
# memory; the image's ENTRYPOINT and the benchmark both start it this way.
#   --max-old-space-size=N    from the memory limit, leaving 128 MiB (or half) for the rest:
#                             the node binary's pages, buffers, compiled code
#   --heap-growing-percent=100  with it: V8 lets a heap whose limit is under 2 GiB grow by at
#                             most 1.1-1.35x between full collections, so a burst of thousands
#                             of submissions after a quiet spell went through 7-11 of them,
#                             each marking the whole heap; growing 2x, through 3. V8 still stops
#                             growing halfway between the live size and the limit
#   --max-semi-space-size=16  and the young generation, outside that limit, at 16 MiB a half
#                             (V8 let it grow to 64): with the heap doubling, 25,000 drivers
#                             made in one burst peaked at 485 MiB in a 512 MiB container; 404 so
#   --expose-gc               so that the dispatcher can give back, once a burst of work is
#                             over, what the heap grew into (src/runtime/memory-reclaimer.ts).
#                             --optimize-for-size and a 2 MiB young generation keep the heap
#                             small throughout instead, but spent a quarter of the CPU in
#                             collections and halved what one replica keeps up with
# and glibc's malloc told to give memory back: blocks of 16 KiB or more mapped on their own and
# unmapped when freed (by default the threshold rises to 32 MiB after large blocks are freed,
# and the heap keeps tens of MiB that a burst left scattered), a trim threshold as low, and two
# arenas rather than one per thread. Variables already set win.
# The limit is SMD_MEMORY_LIMIT_MIB (the chart sets it from the container's limits.memory),
# else the cgroup's; without one, V8's own default applies. A --max-old-space-size in
# NODE_OPTIONS wins. NODE names the node binary (default: node on the PATH), SMD_DIST the
# compiled dispatcher (default: dist/ beside this directory; the benchmark measures others).
set -eu

dist=${SMD_DIST:-$(cd "$(dirname "$0")/.." && pwd)/dist}
cgroup=${SMD_CGROUP_DIR:-/sys/fs/cgroup}

# The memory limit in MiB, or nothing: cgroup v2, then v1 (whose "no limit" is a huge number).
limit_mib() {
  if [ -n "${SMD_MEMORY_LIMIT_MIB:-}" ]; then
    echo "$SMD_MEMORY_LIMIT_MIB"
    return
  fi
  for file in "$cgroup/memory.max" "$cgroup/memory/memory.limit_in_bytes"; do
    [ -r "$file" ] || continue
    bytes=$(cat "$file")
    case "$bytes" in
      '' | *[!0-9]*) return ;;
    esac
    # 1 TiB or more is cgroup v1's way of saying "no limit".
    if [ "${#bytes}" -lt 13 ]; then echo $((bytes / 1048576)); fi
    return
  done
}

flags="--expose-gc"
limit=$(limit_mib)
case "$limit" in
  '' | *[!0-9]*) ;;
  *)
    case " ${NODE_OPTIONS:-} " in
      *--max-old-space-size*) ;;
      *)
        old=$((limit - 128))
        if [ "$old" -lt $((limit / 2)) ]; then old=$((limit / 2)); fi
        flags="$flags --max-old-space-size=$old --heap-growing-percent=100 --max-semi-space-size=16"
        ;;
    esac
    ;;
esac

export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-16384}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-16384}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"

# shellcheck disable=SC2086 # the flags are words
exec "${NODE:-node}" $flags "$dist/main.js" "$@"
