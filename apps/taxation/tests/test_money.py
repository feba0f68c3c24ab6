"""money.py: the one rounding helper and the display shortcut the answer printer uses."""

from fractions import Fraction

import pytest

from apps.taxation.domain.money import baht_text, satang_text, to_satang

AMOUNTS = [
    Fraction(0),
    Fraction(1, 200),  # exactly half a satang
    Fraction(1, 300),
    Fraction(2, 300),
    Fraction(12345, 1000),  # 12.345
    Fraction(-12345, 1000),
    Fraction(-1, 200),
    Fraction(760_000),
    Fraction(1, 3) * 3_000_000,
    Fraction(7, 8),
    5,  # an int amount (the engine's zero)
]


@pytest.mark.parametrize("amount", AMOUNTS)
@pytest.mark.parametrize("mode", ["half_up", "half_even", "down", "up"])
def test_baht_text_is_satang_text_of_to_satang(amount, mode):
    assert baht_text(amount, mode=mode) == satang_text(to_satang(amount, mode=mode))


@pytest.mark.parametrize(
    ("amount", "mode", "quantum", "satang"),
    [
        (Fraction(1, 200), "half_up", 1, 1),
        (Fraction(-1, 200), "half_up", 1, -1),  # half away from zero
        (Fraction(1, 200), "half_even", 1, 0),
        (Fraction(3, 200), "half_even", 1, 2),
        (Fraction(1, 300), "up", 1, 1),
        (Fraction(2, 300), "down", 1, 0),
        (Fraction(1050, 100), "half_up", 100, 1100),  # 10.50 baht to whole baht
        (Fraction(1049, 100), "half_up", 100, 1000),
        (Fraction(1150, 100), "half_even", 100, 1200),
    ],
)
def test_to_satang_rounds_to_the_quantum(amount, mode, quantum, satang):
    assert to_satang(amount, mode=mode, quantum_satang=quantum) == satang
