"""A function annotated `-> int` that falls off the end on one path."""


def clip(n: int) -> int:
    if n > 10:
        return 10


ENTRY = clip
TSCRIPT_BUG = ("tscript compiles it: falling off the end stores None into the result of a function "
               "declared `-> int` (the fall-off store in FunctionEmitter::emitSequence does not "
               "check the declared return type)")
