# An extension's types with free lists of their own (own_freelists.c):
# its code reads and writes the objects it parked, by design, and
# nothing is reported.  Then a parked object is read by code outside
# the module (ctypes): a UseAfterDealloc naming the type.
import ctypes
import own_freelists

Linked, Scope = own_freelists.Linked, own_freelists.Scope
total = 0
for _ in range(200):
    batch = [Linked(i) for i in range(12)]
    scopes = [Scope(b) for b in batch]
    total += sum(b.value for b in batch) + len(scopes)
    del scopes, batch
print("churn", total)

x = Linked(41)
address = id(x)
del x                     # parked on Linked's free list: dead
stale = ctypes.c_long.from_address(address + 24).value   # its value field
print("read of a parked object returned")
