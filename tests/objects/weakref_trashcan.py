# CPython's own test_weakref.test_trashcan_16602, as a program: a chain of
# objects long enough for the trashcan to defer deallocations, each with
# a weakref callback that calls a weakref to an object whose
# deallocation may be deferred.  PyWeakref_GET_OBJECT (3.8 to 3.12)
# reads that dead object's ob_refcnt, finds 0 and answers None: CPython
# code reading a dead object's refcount alone, by design (CPython's
# gh-60806).  A correct program: nothing is reported.
import gc
import weakref


class C:
    def __init__(self, parent):
        if not parent:
            return
        wself = weakref.ref(self)

        def cb(wparent):
            o = wself()

        self.wparent = weakref.ref(parent, cb)


for round_ in range(3):
    d = weakref.WeakKeyDictionary()
    root = c = C(None)
    for n in range(100):
        d[c] = c = C(c)
    del root
    gc.collect()
print("done")
