# The heap grows and shrinks several times, so pymalloc maps arenas and
# unmaps the empty ones, and pyref's table of arenas (kept sorted for
# its lookups) must follow.  Between the rounds, buffers larger than
# pymalloc's 512 bytes come from malloc, maybe where an arena was; the
# small quarantine (--freelist-vol) releases freed blocks at once.  A
# correct program: nothing is reported.
import gc

total = 0
for r in range(4):
    big = [(i, "s%d" % i) for i in range(60000 * (r % 2 + 1))]
    total += len(big)
    del big
    gc.collect()
    bufs = [bytes(600 + i % 200) for i in range(3000)]
    total += sum(len(b) for b in bufs[::100])
    del bufs
print(total)
