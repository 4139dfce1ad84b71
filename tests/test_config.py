import pytest

from ncpm.core.errors import ConfigError
from ncpm.pipeline.config import Config, load_config, load_config_text


def test_empty_config_is_all_defaults():
    cfg = load_config_text("")
    assert cfg == Config(base_dir=".")
    assert cfg.baseline.method == "same_month" and cfg.satisfaction.window == 6 and cfg.forecast.horizon == 3


def test_values_are_read_and_typed():
    cfg = load_config_text("""
[scope]
forces = ["warwickshire police"]
as_of = "2023-06"
[baseline]
exclude = ["2020-04..2021-03"]
in_line = 2
[peers]
average = "weighted"
""")
    assert cfg.scope.forces == ("warwickshire police",) and cfg.baseline.in_line == 2.0
    assert cfg.baseline.exclude == ("2020-04..2021-03",) and cfg.peers.average == "weighted"


@pytest.mark.parametrize("text, message", [
    ("[baseline]\nmethd = 'x'", "unknown key 'baseline.methd' (known: exclude, in_line, method, substantial)"),
    ("[basline]\n", "unknown section [basline]"),
    ("[baseline]\nmethod = 'median'", "baseline.method must be one of same_month, trailing_36; not 'median'"),
    ("[forecast]\nhorizon = 'three'", "forecast.horizon must be a whole number, not 'three'"),
    ("[forecast]\nhorizon = 0", "forecast.horizon must be at least 1"),
    ("[scope]\nforces = ['Gotham']", "scope.forces[0]: unknown force 'Gotham'"),
    ("[scope]\nas_of = '2023-13'", "scope.as_of: not a month: '2023-13'"),
    ("[scope]\nquarter = 'Q5 2023/24'", "scope.quarter: not a financial quarter"),
    ("[scope]\nmeasures = ['knife']", "scope.measures[0]: unknown measure 'knife'"),
    ("[baseline]\nexclude = ['2021-03..2020-04']", "baseline.exclude[0]: '2021-03..2020-04' ends before it starts"),
    ("[satisfaction]\ntarget = 80", "satisfaction.target must be a proportion between 0 and 1"),
    ("[output]\nmarkdown = 'yes'", "output.markdown must be true or false, not 'yes'"),
    ("[spc]\nrun_length = 8", "spc.run_length must be one of 6, 7; not 8"),
    ("scope = [", "config: not valid TOML"),
    ("[engine]\nkind = 'spark'", "engine.kind must be one of dask, processes, single; not 'spark'"),
    ("[engine]\naddress = 'tcp://x:8786'", 'engine.address is for engine.kind = "dask"'),
    ("[disclosure]\nthreshold = 0", "disclosure.threshold and disclosure.base must be at least 1"),
    ("[forecast]\nmethod = 'seasonal_naive'", "forecast.method: method must be 'auto', 'sarima', 'snaive'"),
    ("[forecast]\nengine = 'fast'\nmethod = 'sarima'", "forecast.method: engine='fast' fits exponential smoothing"),
])
def test_invalid_config_names_the_key(text, message):
    with pytest.raises(ConfigError) as info:
        load_config_text(text)
    assert message in str(info.value)


def test_relative_paths_resolve_against_the_config_file(tmp_path):
    (tmp_path / "ncpm.toml").write_text('[inputs]\npaths = ["raw"]\n')
    cfg = load_config(tmp_path / "ncpm.toml")
    assert cfg.path(cfg.inputs.paths[0]) == tmp_path / "raw"
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "missing.toml")


def test_engine_and_disclosure_sections():
    cfg = load_config_text("[engine]\nkind = 'dask'\naddress = 'tcp://scheduler:8786'\n[disclosure]\nmethod = 'round'")
    assert cfg.engine.address == "tcp://scheduler:8786" and cfg.disclosure.method == "round"


def test_config_accepts_what_the_methods_accept():
    """The configuration is checked by the methods' own parsers (forecast.parse_method, measures.excluded_months),
    so a value passes the config exactly when the run can use it."""
    cfg = load_config_text("[forecast]\nmethod = 'snaive'\n[baseline]\nexclude = ['2020-05', '2020-04..2021-03']")
    assert cfg.forecast.method == "snaive" and cfg.baseline.exclude == ("2020-05", "2020-04..2021-03")
    assert load_config_text("[forecast]\nmethod = 'ETS(A,Ad,A)'").forecast.method == "ETS(A,Ad,A)"


def test_areas_tables_map_districts_to_local_policing_areas():
    cfg = load_config_text('[areas.Warwickshire]\nNorth = ["North Warwickshire", "Nuneaton and Bedworth"]\n'
                           'East = ["Rugby"]\nSouth = ["Stratford-on-Avon", "Warwick"]\n', source="ncpm.toml")
    assert cfg.area_mapping("warwickshire") == {"North": ("North Warwickshire", "Nuneaton and Bedworth"),
                                                "East": ("Rugby",), "South": ("Stratford-on-Avon", "Warwick")}
    assert cfg.area_mapping("West Mercia") == {}
    assert cfg.as_dict()["areas"]["Warwickshire"]["East"] == ("Rugby",)


@pytest.mark.parametrize(("text", "message"), [
    ('[areas.Narnia]\nNorth = ["A"]\n', r"ncpm.toml: \[areas.Narnia\]: unknown force 'Narnia'"),
    ('[areas.Warwickshire]\nNorth = ["Rugby"]\nEast = ["Rugby"]\n',
     r"ncpm.toml: areas.Warwickshire.East: 'Rugby' is also in areas.Warwickshire.North"),
    ('[areas.Warwickshire]\nNorth = []\n', r"ncpm.toml: areas.Warwickshire.North: list the districts"),
    ('[areas.Warwickshire]\nNorth = [1]\n', r"areas.Warwickshire.North\[0\] must be text"),
])
def test_bad_areas_tables_name_the_file_and_key(text, message):
    with pytest.raises(ConfigError, match=message):
        load_config_text(text, source="ncpm.toml")


def test_areas_are_checked_against_the_districts_seen():
    from ncpm.pipeline.config import check_areas

    cfg = load_config_text('[areas.Warwickshire]\nEast = ["Rugbey"]\n', source="ncpm.toml")
    with pytest.raises(ConfigError, match=r"ncpm.toml: areas.Warwickshire.East: no district 'Rugbey'.*close matches: Rugby"):
        check_areas(cfg, "Warwickshire", {"Rugby", "Warwick"})
    check_areas(cfg, "West Mercia", {"Rugby"})  # another force's table is not checked against its data


def test_figure_formats_are_one_format_whatever_their_case():
    from ncpm.pipeline.config import load_config_text

    assert load_config_text('[output]\nfigure_formats = ["PNG", "Svg"]').output.figure_formats == ("png", "svg")
