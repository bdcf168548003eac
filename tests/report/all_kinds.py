# One bug of each Memcheck kind pyref maps to, in one process, in this
# order: MismatchedFree, InvalidFree (a double free), InvalidWrite (an
# extra Py_DECREF), InvalidRead (a stale borrowed reference).
# The modules are found through PYTHONPATH (the case sets it to @EXTDIR@).
import buggy_borrow
import buggy_heap
import buggy_refs

buggy_heap.pymem_malloc_object_free()
buggy_heap.dealloc_double_free()
buggy_refs.decref_twice_float()
buggy_borrow.pop_and_print_bad(["".join(["item %d" % i, "!"])
                                for i in range(3)])
print("returned")
