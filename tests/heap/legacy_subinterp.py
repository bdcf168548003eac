# A legacy subinterpreter (Py_NewInterpreter, through _testcapi's
# run_in_subinterp) shares the main interpreter's pymalloc state, so its
# frees are quarantined like the main interpreter's: blocks it frees are
# evicted by later frees in either interpreter, and blocks the main one
# freed are evicted by its frees, all into the one pymalloc (a wrong
# heap would show as InvalidFree).  Then an extension in the
# subinterpreter reads a freed object: a UseAfterFree that names the
# object, as in the main interpreter.  On 3.12 and 3.13 such frees were
# once released at once like an isolated subinterpreter's, and the same
# read was a vague HeapOverflow.
import _testcapi

CHURN = "junk = [str(n) * 3 for n in range(30000)]; del junk"

exec(CHURN)
assert _testcapi.run_in_subinterp(CHURN) == 0
exec(CHURN)
assert _testcapi.run_in_subinterp(
    "import buggy_heap; buggy_heap.read_freed_small()") == 0
exec(CHURN)
print("returned")
