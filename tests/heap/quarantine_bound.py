# The quarantine's bound (--freelist-vol) counts what a freed block
# costs: its memory, its redzone and pyref's record of it.
#
# usage: quarantine_bound.py N
#
# Frees one 15-byte bytes object (a 48-byte PyObject_Malloc block), then
# N more of the same size, then reads the first one's bytes through a
# stale address.  While the first block is still in the quarantine the
# read is a UseAfterFree.  Once N frees have pushed it out it is handed
# back to pymalloc, and the refill below takes its memory again, so the
# read lands in a live block and is not reported (the stale address is
# the bug pymalloc hides, and the quarantine exists to delay that).
import ctypes
import itertools
import sys

n = int(sys.argv[1])
victim = bytes(15)              # not cached: a fresh object
stale = id(victim)
del victim                      # freed: now at the head of the quarantine

junk = [bytes(15) for _ in itertools.repeat(None, n)]
del junk                        # n more frees of the same size
refill = [bytes(15) for _ in itertools.repeat(None, 2 * n)]

# ob_sval starts after the 32-byte header on every supported CPython.
ctypes.string_at(stale + 32, 8)
print(len(refill))
