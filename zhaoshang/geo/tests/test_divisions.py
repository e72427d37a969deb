"""GB/T 2260 division codes as python-stdnum's table holds them."""

from zhaoshang.geo import divisions


def test_known_codes_are_exactly_the_codes_lookup_knows():
    codes = divisions.known_codes()
    assert {"371502", "371581", "371503", "110105"} <= codes
    assert "371599" not in codes and "000000" not in codes
    assert all(divisions.lookup(code) is not None for code in codes)
    assert len(codes) > 3000
