# ctypes calls libc free() on the buffer of a live bytes object: memory
# CPython owns, 32 bytes inside a PyObject_Malloc block.  pyref reports
# InvalidFree and does not free it, so the program goes on unharmed.
import ctypes

libc = ctypes.CDLL(None)
libc.free.argtypes = [ctypes.c_void_p]
libc.free.restype = None

data = bytes(range(256)) + b"x" * 44      # 300 bytes: a pymalloc block
libc.free(ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value)
print(len(data), data[:3])
