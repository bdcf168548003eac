# The main interpreter fills the quarantine with its freed blocks, then
# a subinterpreter with its own pymalloc state (what 3.12's
# _xxsubinterpreters.create(isolated=True) and 3.13's
# _interpreters.create() make) allocates and frees.  Each free in the
# subinterpreter used to evict one of the main interpreter's blocks into
# the subinterpreter's pymalloc, which took it for a foreign block and
# handed it to free(): one InvalidFree per free.  A correct program:
# nothing is reported, and --stats=yes counts the frees that ran in the
# subinterpreter.
import sys

CODE = "x = [str(n) * 3 for n in range(50000)]; del x"

junk = [str(n) * 3 for n in range(100000)]
del junk
if sys.version_info >= (3, 13):
    import _interpreters as interpreters
    interp = interpreters.create()
else:
    import _xxsubinterpreters as interpreters
    interp = interpreters.create(isolated=True)
interpreters.run_string(interp, CODE)
interpreters.destroy(interp)
junk = [str(n) * 3 for n in range(100000)]
print(len(junk))
