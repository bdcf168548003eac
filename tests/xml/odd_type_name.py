# A Python class whose name holds what XML must escape (<, &, >, a quote)
# and what a suppression line cannot hold (spaces, a line break); ctypes
# then frees a pointer 8 bytes inside one of its instances: InvalidFree.
# pyref does not free it, so the program goes on.
import ctypes

libc = ctypes.CDLL(None)
libc.free.argtypes = [ctypes.c_void_p]
libc.free.restype = None

Odd = type('odd <&> name\n"x"', (), {})
obj = Odd()
libc.free(id(obj) + 8)
print("returned")
