"""The math module: functions on int and float, constants, and the int-returning ones
(ceil, floor, factorial, gcd)."""
import math
from typing import List, Tuple

from script_corpus import case


def roots_logs_exps(x: float) -> List[float]:
    return [math.sqrt(x), math.log(x), math.log(x, 2.0), math.log10(x), math.log1p(x),
            math.exp(x), math.expm1(x)]


def trigonometry(x: float) -> List[float]:
    return [math.sin(x), math.cos(x), math.tan(x), math.atan(x), math.atan2(x, 2.0),
            math.sinh(x), math.cosh(x), math.tanh(x), math.asinh(x)]


def inverse_trig(x: float) -> List[float]:
    return [math.asin(x), math.acos(x), math.atanh(x)]


def ceil_floor_are_ints(x: float) -> Tuple[int, int]:
    return math.ceil(x), math.floor(x)


def fabs_fmod_copysign(a: float, b: float) -> List[float]:
    return [math.fabs(a), math.fmod(a, b), math.copysign(a, b), math.remainder(a, b)]


def pow_function(a: float, b: float) -> float:
    return math.pow(a, b)


def constants() -> List[float]:
    return [math.pi, math.e, math.tau, math.inf]


def nan_constant_is_nan() -> bool:
    return math.isnan(math.nan)


def classification(x: float) -> List[bool]:
    return [math.isnan(x), math.isinf(x), math.isfinite(x)]


def special_functions(x: float) -> List[float]:
    return [math.erf(x), math.erfc(x), math.gamma(x), math.lgamma(x)]


def factorial_and_gcd(n: int, a: int, b: int) -> Tuple[int, int]:
    return math.factorial(n), math.gcd(a, b)


def degrees_radians(x: float) -> Tuple[float, float]:
    return math.degrees(x), math.radians(x)


def frexp_and_modf(x: float) -> Tuple[Tuple[float, int], Tuple[float, float]]:
    return math.frexp(x), math.modf(x)


def ldexp_function(x: float, e: int) -> float:
    return math.ldexp(x, e)


def sqrt_of_int(n: int) -> float:
    return math.sqrt(n)


def acosh_of_large(x: float) -> float:
    return math.acosh(x)


def hypotenuse_by_hand(a: float, b: float) -> float:
    return math.sqrt(a * a + b * b)


CASES = [
    case(roots_logs_exps, (2.0,), (0.5,)),
    case(trigonometry, (0.3,), (-1.2,)),
    case(inverse_trig, (0.5,), (-0.25,)),
    case(ceil_floor_are_ints, (2.5,), (-2.5,), (3.0,)),
    case(fabs_fmod_copysign, (7.5, 2.0), (-7.5, 2.0), (5.0, -3.0)),
    case(pow_function, (2.0, 0.5), (10.0, -2.0)),
    case(constants),
    case(nan_constant_is_nan),
    case(classification, (1.0,), (float("inf"),), (float("nan"),)),
    case(special_functions, (0.5,), (3.0,)),
    case(factorial_and_gcd, (5, 12, 18), (0, 7, 0)),
    case(degrees_radians, (1.0,)),
    case(frexp_and_modf, (8.5,), (-0.75,)),
    case(ldexp_function, (0.75, 4)),
    case(sqrt_of_int, (16,), (2,)),
    case(acosh_of_large, (2.0,)),
    case(hypotenuse_by_hand, (3.0, 4.0)),
]
