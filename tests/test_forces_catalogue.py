import pytest

from ncpm.catalogue import (
    catalogue_version,
    measure,
    measure_for_ons_group,
    measure_for_police_uk,
    measures,
    measures_for_ho_code,
    priorities,
)
from ncpm.errors import ConfigError, UnknownForceError
from ncpm.forces import canonical_force, find_force, force_info, national_body, territorial_forces


def test_there_are_43_territorial_forces_with_unique_codes():
    forces = territorial_forces()
    assert len(forces) == 43 and len(set(forces)) == 43
    assert len({force_info(f).ons_code for f in forces}) == 43
    assert all(force_info(f).ons_code[:3] in ("E23", "W15") for f in forces)


@pytest.mark.parametrize("variant, name", [
    ("Metropolitan Police ", "Metropolitan Police"), ("Metropolitan Police Service", "Metropolitan Police"),
    ("metropolitan", "Metropolitan Police"), ("Avon and Somerset Constabulary", "Avon and Somerset"),
    ("Avon & Somerset Constabulary", "Avon and Somerset"), ("warwickshire", "Warwickshire"),
    ("Warwickshire Police", "Warwickshire"), ("Humberside [note 4]", "Humberside"), ("E23000017", "Warwickshire"),
    ("Dyfed Powys Police", "Dyfed-Powys"), ("Devon & Cornwall Police", "Devon and Cornwall"),
    ("city-of-london", "City of London"), ("btp", "British Transport Police"), ("W15000003", "South Wales"),
    # the Home Office's spellings (police recorded crime open data tables)
    ("London, City of", "City of London"), ("Metropolitan Police", "Metropolitan Police"),
    ("Devon & Cornwall", "Devon and Cornwall"), ("Avon & Somerset", "Avon and Somerset"),
    ("Dyfed-Powys", "Dyfed-Powys"), ("Gwent", "Gwent"), ("Hampshire & Isle of Wight", "Hampshire"),
    ("Manchester, Greater", "Greater Manchester"), (" Durham ", "Durham"),
])
def test_force_name_variants(variant, name):
    assert canonical_force(variant) == name


@pytest.mark.parametrize("name, body", [
    ("Action Fraud", "Action Fraud"), ("CIFAS", "CIFAS"), ("Cifas (National Fraud Database)", "CIFAS"),
    ("UK Finance", "UK Finance"), ("Financial Fraud Action UK", "Financial Fraud Action UK"),
    ("Warwickshire", None), ("British Transport Police", None), ("London, City of", None),
])
def test_national_fraud_bodies_are_told_from_forces(name, body):
    assert national_body(name) == body
    assert body is None or find_force(name) is None


def test_unknown_force_names_file_row_and_column():
    assert find_force("ENGLAND AND WALES [note 3]") is None
    with pytest.raises(UnknownForceError, match=r"^x.csv, row 4, column Force Name: unknown force 'Gotham'$"):
        canonical_force("Gotham", file="x.csv", row=4, column="Force Name")


def test_catalogue_maps_sources_to_measures():
    assert catalogue_version()
    assert set(priorities()) == {1, 2, 3, 4, 5, 6}
    assert measure_for_police_uk("Vehicle crime") == "vehicle_crime"
    assert measure_for_police_uk("Anti-social behaviour") is None
    assert measures_for_ho_code("39") == ["theft_from_person"]
    assert measure_for_ons_group("Vehicle offences") == "vehicle_crime"
    ids = {m.id for m in measures()}
    for m in measures():
        assert m.parent is None or m.parent in ids
    with pytest.raises(ConfigError, match="unknown measure 'nope'"):
        measure("nope")
