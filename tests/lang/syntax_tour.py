# A tour of Python 3.8-3.11 syntax that tscript's parser must read exactly as CPython does.
# tests/python/test_parse_corpus.py compares the two outlines of this file.
import os.path as osp, sys
from . import sibling
from ..pkg.mod import (a as b,
                       c,)
from typing import *

x = 0x_FF + 0o17 + 0b1010 + 1_000_000 + 1e-3 + .5 + 5. + 3.14j + 10J + 0 + 00
big = 123456789012345678901234567890
s = 'a' "b" '''c''' """d\n""" r'\raw' u'\u00e9' '\101\x41\u0041\U00000041' 'é€😀' '\q'
bs = b'\x00bytes' rb'\d' B'\101\u0041'
f1 = f"{x!r:>{width}.{prec}} and {{braces}} {y=} {z = !s} {'q'} {a['k']} {f'{nested}'}"
f2 = f"plain" "concat" f'{x:{"w"}}' rf'\d{x}'
f3 = f"""multi
{x +
 1}"""
t = 1,
u = ()
v = (1)
w = [*a, *b], {**d, 'k': 1}, {1, *s}
a, *rest = b = c = t
(p, q), [r, s2] = 1, 2
x += 1; x -= 1; x *= 2; x @= m; x /= 2; x //= 2; x %= 3; x **= 2; x <<= 1; x >>= 1; x &= 1; x |= 1; x ^= 1
y: int
z: List[int] = []
(paren): int = 3
obj.attr: str = "s"
d[k]: float
lst = [i * j for i in range(3) if i for j in range(i) if j if j > 1]
gen = (i for i in x)
dc = {k: v for k, v in items}
sc = {e for e in xs}
call(a, *args, b=1, **kw, c=2)
call(i for i in x)
sub = a[1:2, ::3, ..., None, :, 1:, :-1, x[::-1]]
sub2 = a[b := 3]
cmp = a < b <= c != d == e > f >= g is h is not i in j not in k
logic = not a and b or c and not not d
arith = -a ** -b ** c + ~d * e / f // g % h @ i - j << k >> l & m ^ n | o
cond = a if b else c if d else e
lam = lambda: 0
lam2 = lambda x, /, y=1, *args, z, w=2, **kw: (x, y)
walrus = [y := f(x), y ** 2]
if (n := len(a)) > 10:
    pass
elif n:
    ...
else:
    pass


@decorator
@decorator.with_args(1, key=2)
@(lambda f: f)
def func(a, b: int = 1, /, c: "str" = 'x', *args: int, d, e: float = 2.0, **kwargs) -> Optional[int]:
    """Docstring."""
    global gx, gy
    def inner():
        nonlocal a
        a = 1
    yield a
    yield
    x = yield from gen
    await_ = 1
    return a, *args


def typed(x, y):
    # type: (int, Tensor) -> Tensor
    return y


def typed_args(self,
               x,  # type: int
               y,  # type: List[int]
               ):
    # type: (...) -> None
    z = []  # type: List[int]
    pass


class Empty: pass
class Derived(Base, metaclass=Meta, total=False):
    attr: int = 3

    def method(self): return self.attr

    @staticmethod
    def static(): pass


for i in range(10):
    if i % 2:
        continue
    else:
        break
else:
    pass

for k, (v1, v2) in d.items(): pass
for *first, last in pairs: pass

while True:
    break
else:
    pass

try:
    risky()
except ValueError as e:
    raise RuntimeError("bad") from e
except (TypeError, KeyError):
    raise
except:
    pass
else:
    ok()
finally:
    cleanup()

with open(f) as fh, lock:
    pass
with (open(a) as x1, open(b) as x2):
    pass
with (yield):
    pass
with (a, b):
    pass

assert x, "message"
assert y
del a, b[0], c.d
del (e, f)
print(*a, sep="")
match = 1
match.attr = 2
case = [match]
x = \
    1 + \
    2
multi = (1 +
    2 +
  3)
if x: y = 1; z = 2
return_value = not_a_keyword_return = 3
_ = __debug_value__
