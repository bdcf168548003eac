# pyref's wrappers of CPython's API must give back every register but
# %rax as they found it: an LTO-built CPython (Debian's python3.11)
# compiles its own calls of those functions knowing which registers the
# real function uses.  wrapper_regs calls them from assembly with known
# register values and lists the registers that changed.  The last line
# is what such a caller computed wrongly when a wrapper clobbered %rsi.
import collections
import wrapper_regs


def show(what, ok, changed):
    print(what, "ok" if ok else "WRONG RESULT",
          "changed:", " ".join(changed) or "none")


result, changed = wrapper_regs.err_occurred()
show("PyErr_Occurred:", result is None, changed)
t = ("first", "second", "third")
item, changed = wrapper_regs.tuple_getitem(t, 2)
show("PyTuple_GetItem:", item is t[2], changed)
print("deque(range(5))[-1]:", collections.deque(range(5))[-1])
