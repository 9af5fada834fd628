"""Arithmetic on int, float and bool: operators, precedence, mixed types, bitwise ops."""
from script_corpus import case


def int_add_sub_mul(a: int, b: int) -> int:
    return a + b * 3 - (a - b) * 2


def int_true_division(a: int, b: int) -> float:
    return a / b


def int_floor_division(a: int, b: int) -> int:
    return a // b


def int_modulo(a: int, b: int) -> int:
    return a % b


def float_floor_division_and_modulo(a: float, b: float) -> float:
    return a // b + a % b * 10.0


def int_power_as_float(a: int, b: int) -> float:
    # TorchScript's int ** int is a float (eager gives an int for b >= 0): compare as floats.
    return float(a ** b)


def float_power(a: float, b: float) -> float:
    return a ** b


def mixed_int_float(a: int, b: float) -> float:
    return a * b + a - b


def unary_minus(a: int, b: float) -> float:
    return -a + b - -1


def unary_plus(a: int, b: float) -> float:
    return +a * +b


def precedence(a: int, b: int, c: int) -> int:
    return a + b * c * c // 3 - c % 2 * -b


def bitwise_ops(a: int, b: int) -> int:
    return (a & b) | (a ^ b) << 2


def shifts(a: int) -> int:
    return (a << 3) + (a >> 1)


def bool_bitwise(a: bool, b: bool) -> bool:
    return (a & b) | (a ^ b)


def comparisons(a: int, b: float) -> bool:
    return a < b and a <= b + 1 and not a == b


def chained_comparison(a: int, b: int, c: int) -> bool:
    return a < b < c


def chained_comparison_mixed_ops(a: int, b: int) -> bool:
    return 0 <= a != b > -5


def int_overflow_wraps(a: int) -> int:
    # int64 arithmetic; the inputs stay within range so eager Python agrees.
    return a * 1000003 % 1000000007


def float_special_values(a: float) -> bool:
    inf = float("inf")
    return a < inf and -inf < a


def boolean_operators_short_circuit(a: int) -> bool:
    return a != 0 and 10 // a > 2 or a == 0


def conditional_expression(a: int, b: int) -> int:
    return a if a > b else b * 2


def not_operator(a: bool, b: int) -> bool:
    return not a or not b > 3


def float_comparison_with_int(a: float) -> int:
    if a == 2:
        return 1
    return 0


CASES = [
    case(int_add_sub_mul, (3, 4), (-7, 2), (0, 0)),
    case(int_true_division, (7, 2), (-9, 4), (1, 3)),
    case(int_floor_division, (7, 2), (-7, 2), (7, -2), (-7, -2)),
    case(int_modulo, (7, 3), (-7, 3), (7, -3), (-7, -3)),
    case(float_floor_division_and_modulo, (7.5, 2.0), (-7.5, 2.0), (7.5, -2.0)),
    case(int_power_as_float, (2, 10), (3, 0), (2, -2)),
    case(float_power, (2.0, 0.5), (9.0, -1.5), (-2.0, 3.0)),
    case(mixed_int_float, (3, 0.5), (-2, 1.25)),
    case(unary_minus, (5, 2.5), (-3, -0.25)),
    # torch.jit 1.13's frontend has no unary `+` (it fails inside its own error reporting).
    case(unary_plus, (5, 2.5), (-3, -0.25), tscript_only="unary + is missing in 1.13"),
    case(precedence, (1, 2, 3), (10, -4, 7)),
    case(bitwise_ops, (12, 10), (-5, 3)),
    case(shifts, (5,), (-9,), (1024,)),
    case(bool_bitwise, (True, False), (True, True), (False, False)),
    case(comparisons, (1, 2.5), (3, 3.0), (4, 1.0)),
    case(chained_comparison, (1, 2, 3), (1, 3, 2), (3, 2, 1)),
    case(chained_comparison_mixed_ops, (1, 2), (2, 2), (-1, 3)),
    case(int_overflow_wraps, (123456789,), (-987654321,)),
    case(float_special_values, (1.5,), (float("inf"),), (float("nan"),)),
    case(boolean_operators_short_circuit, (0,), (3,), (2,)),
    case(conditional_expression, (5, 2), (1, 9)),
    case(not_operator, (True, 5), (False, 1), (True, 2)),
    case(float_comparison_with_int, (2.0,), (2.5,)),
]
