"""Issue 16 item 4: an unknown force name lists the forces it is close to (difflib), wherever it is resolved."""

import pytest

from ncpm.core.errors import ConfigError, UnknownForceError
from ncpm.core.forces import canonical_force, close_matches
from ncpm.pipeline.config import load_config_text


@pytest.mark.parametrize("name, expected", [
    ("Warwickshre", ["Warwickshire"]),
    ("warwick shire constab", ["Warwickshire"]),
    ("West Midland", ["West Midlands"]),
    ("North Yorks", ["North Yorkshire"]),
    ("Gotham", []),
    ("Narnia Police", []),  # "Police" on both sides is no likeness
    ("Thames vally police", ["Thames Valley"]),
    ("", []),
])
def test_close_matches(name, expected):
    assert close_matches(name) == expected


def test_unknown_force_error_names_close_matches():
    with pytest.raises(UnknownForceError, match=r"unknown force 'Warwickshre'; did you mean 'Warwickshire'\?"):
        canonical_force("Warwickshre")
    with pytest.raises(UnknownForceError) as info:
        canonical_force("Gotham")
    assert "did you mean" not in str(info.value)


def test_unknown_force_in_the_configuration_names_close_matches():
    with pytest.raises(ConfigError, match=r"scope.forces\[0\]: unknown force 'Warwickshre'; did you mean "
                                          r"'Warwickshire'\?"):
        load_config_text('[scope]\nforces = ["Warwickshre"]')
