# Every correct twin (*_ok) of the heap scenarios: none may be reported.
import buggy_heap

names = sorted(n for n in dir(buggy_heap) if n.endswith("_ok"))
for name in names:
    getattr(buggy_heap, name)()
print(len(names), "twins ran")
