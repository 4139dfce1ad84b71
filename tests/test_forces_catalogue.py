import pytest

from ncpm.core.catalogue import (
    catalogue_version,
    definition,
    label,
    measure,
    measure_for_ons_group,
    measure_for_police_uk,
    measures,
    measures_for_ho_code,
    outcome_table,
    police_uk_outcome,
    priorities,
)
from ncpm.core.errors import ConfigError, UnknownForceError
from ncpm.core.forces import canonical_force, find_force, force_info, national_body, territorial_forces


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


@pytest.mark.parametrize("source, category, expected", [
    ("police.uk", "Robbery", "robbery"),  # all robbery, personal and business: not the NCPM measure
    ("police.uk", "Burglary", "burglary"),  # all burglary
    ("ons", "Robbery", "robbery"),
    ("ons", "Burglary", "burglary"),
    ("ons", "Residential burglary", "burglary_residential"),
    ("ons", "Vehicle offences", "vehicle_crime"),
])
def test_a_source_category_names_the_measure_it_counts(source, category, expected):
    find = measure_for_police_uk if source == "police.uk" else measure_for_ons_group
    assert find(category) == expected


def test_personal_robbery_is_the_home_office_measure_and_labels_say_which_robbery():
    assert measure("robbery_personal").ho_codes == ("34B",)
    assert measure("robbery_personal").police_uk == () and measure("robbery_personal").ons_group is None
    assert measures_for_ho_code("34B") == ["robbery_personal", "robbery"]
    assert measures_for_ho_code("34A") == ["robbery"]
    assert label("robbery_personal") == "Robbery Personal"  # the demo's report wording is unchanged
    assert label("burglary_residential") == "Burglary Residential"
    assert label("robbery") == "robbery (all)" and label("burglary") == "burglary (all)"


def test_every_measure_states_its_definition():
    for m in measures():
        assert m.definition and m.definition == definition(m.id)
        if m.source == "force extract":
            assert "force extract" in m.definition
        for text in (*m.police_uk, m.ons_group or ""):
            assert text in m.definition, (m.id, text)
    assert definition("police_uk:other_crime") == ""


def test_every_police_uk_outcome_text_names_a_listed_home_office_type():
    table = outcome_table()
    assert table.court_charge in table.action_taken
    for text, (kind, ho) in table.police_uk.items():
        assert kind in ("police", "court", "pending"), text
        assert (ho in table.types) if kind == "police" else ho is None, text
        found, last = police_uk_outcome(text), police_uk_outcome(text, last=True)
        assert found.ho == ho and last.ho == (table.court_charge if kind == "court" else ho)


@pytest.mark.parametrize("text, ho, action", [
    ("Suspect charged", "1", True), ("Offender given a caution", "3", True), ("Local resolution", "8", True),
    ("Offender given penalty notice", "6", True), ("Offender given a penalty notice", "6", True),
    ("Offender given a drugs possession warning", "7", True), ("Suspect charged as part of another case", "4", True),
    ("Formal action is not in the public interest", "10", False), ("Unable to prosecute suspect", "16", False),
    ("Investigation complete; no suspect identified", "18", False),
    ("Action to be taken by another organisation", "20", False),
    ("Further investigation is not in the public interest", "21", False),
    ("Further action is not in the public interest", "22", False),
    ("Under investigation", None, False), ("Status update unavailable", None, False),
    ("Offender sent to prison", None, False), ("Awaiting court outcome", None, False),
    ("suspect  CHARGED", "1", True), ("Offender given a youth caution", None, False),
])
def test_police_uk_outcome_texts(text, ho, action):
    found = police_uk_outcome(text)
    assert found.ho == ho
    assert (found.ho in outcome_table().action_taken) is action
    assert found.outcome_type == (ho if ho is not None else text)


@pytest.mark.parametrize("text", ["Offender sent to prison", "Offender given suspended prison sentence",
                                  "Offender fined", "Offender given community sentence",
                                  "Offender given conditional discharge", "Offender given absolute discharge",
                                  "Offender deprived of property", "Offender otherwise dealt with",
                                  "Defendant found not guilty", "Defendant sent to Crown Court",
                                  "Court case unable to proceed", "Offender ordered to pay compensation",
                                  "Awaiting court outcome", "Court result unavailable"])
def test_a_court_text_as_a_last_outcome_stands_for_the_charge(text):
    assert police_uk_outcome(text).kind == "court"
    assert police_uk_outcome(text, last=True).ho == "1"
