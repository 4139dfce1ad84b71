"""ONS "Police force area data tables": recorded crime by offence group for one 12-month period, by force (Table
P1) or by Community Safety Partnership within each force (Table C2), and the mid-year population by force that
Table P3 prints beside its rates per 1,000.

Layout (ONS, Crime in England and Wales: police force area data tables, every edition from 2018; one sheet
exported as CSV, or the XLSX / ODS workbook itself): title and note rows, then a header, then one row per area.

- Table P1: ``Area Code, Area Name, <offence group> ...``; every loaded row is a force (``area`` "Force").
- Table C2: ``Police Force Area code, Police Force Area name, Community Safety Partnership code, Community Safety
  Partnership name, Local Authority code, Local Authority name, <offence group> ...``; a row with no CSP code or
  name is the force total (``area`` "Force"), any other row a CSP (``area`` its name, e.g. "North Warwickshire",
  "South Warwickshire" for a combined authority, "Unassigned Warwickshire"). The local authority columns are
  descriptive and not kept.
- Table P3: ``Area Code, Area Name, Population figures (mid-2016) rounded to 100, Household figures ..., <rates>``;
  only the population column is read (the rates are ncpm's to compute), into a *population* frame whose year is
  the "mid-YYYY" of that column's header (else of the title, of the notes under the table, or of a Notes sheet
  that names one year only). A note says that the source rounds the populations (to 100) when its text says so.

Every edition is read by the same rules, never by file or sheet name or position:

- **Sheets.** In a workbook, the counts table is the sheet with the ``Area Code, Area Name`` (or C2) header whose
  title (its first row) speaks of neither rates nor percentage changes, which has no population column and at least
  one column that is a catalogue offence group (so the knife crime and anti-social behaviour tables are not taken
  for it; of several, the one with the most, and a note names the others if they tie). The population table is the
  sheet with that header and a population column ("Population figures (mid-2016) ...", "Mid-2022 population
  estimates"; not a rate). Other sheets (notes, contents, a "Correction" notice, the percentage-change table) are
  ignored, whatever they are called ("Table P1 " with a trailing space) and wherever they stand.
- **Footnote markers.** The published text glues footnote numbers to names, headers and titles
  ("Greater Manchester8,9", "Violence against the person4", "Total recorded crime (excluding fraud4)",
  "Stalking and harassment 5"). :func:`label` strips one or two-digit numbers (and lists of them) that end a label
  after a letter or a closing bracket, or that sit between a letter and a closing bracket or between a closing
  bracket and a space ("(mid-2016)4 rounded"); "[note N]" suffixes go too. A number of three digits or more ("Rate per 1,000") is kept. Titles are read apart (:func:`table_period`):
  "year ending March 181,2,3" is March 2018 with notes 1, 2, 3, "year ending December 20191,2" December 2019.
- **Headers over several rows.** The rows just above the matched header that have a cell over a value column
  belong to the header, and so do the rows between it and the first area row (no area code or name, no number:
  units such as "Numbers", or label ends). A column whose header-row cell is blank takes the nearest label above it
  (the published "Total recorded crime (excluding fraud)" sits one row higher than "Area Code"); a cell that
  starts in lower case or with "(" continues the label above it ("Total recorded crime" over "(excluding fraud)").
  A spanning group label ("Victim-based crime") over a labelled column is not part of that column's name, and a
  units cell never makes a label. A column with no label at all is a spacer and is ignored; a value in one (other
  than a not-available symbol) is a rejection, not silently dropped.
- **Areas.** Only the 43 territorial force rows are loaded (area codes E23*, W15*); the force is decided by the
  area code, so "West Midlands" the region (E12000005) and the force (E23000014) are told apart. Region and
  national rows (E12, E92, W92, K04 ...) and British Transport Police are counted in ``rows_in`` and listed as
  expected rejections ("skipped"), so the accounting is explicit. The England and Wales totals include British
  Transport Police (and, in the year ending December 2019 edition, leave Greater Manchester out): they are never
  loaded, so nothing is double counted.
- **Not available.** ONS symbols for a figure not given (:data:`NOT_AVAILABLE`: ``..``, ``:``, ``x``, ``[x]``,
  ``[c]``, ``[z]``, ``+`` ...) are neither zero nor a reading error. Accounting: a row with some figures available
  is *loaded* (its other columns become rows of the frame) and each missing figure is named, per force and column,
  in ``LoadResult.notes``; a row with no figure available is *skipped* (an expected rejection whose reason names
  the symbol) and noted too. Cells are not rows, so ``rows_in == rows_loaded + rows_rejected + rows_summed`` holds
  (skipped rows are among the rejected).

The period is parsed from the title ("year ending June 2025" -> 2024-07 .. 2025-06). Each offence-group column
becomes a measure: the catalogue measure of that group (``ncpm.core.catalogue.measure_for_ons_group``) or
``ons:<column slug>`` ("ons:total_recorded_crime_excluding_fraud").

The package reads it in steps, one module each: ``sheets`` (which sheet is which table), ``layout`` (the header
over its rows), ``labels`` (footnote markers), ``period`` (the title's 12 months), ``areas`` (force, region and CSP
rows), ``unavailable`` (the not-available symbols), ``counts`` (P1, C2), ``population`` (P3) and ``reader``.

>>> result = read_ons_pfa_table("ons_pfa_table_P1_ye_jun2025.csv")  # doctest: +SKIP
>>> result.frame.query("force == 'Warwickshire' and measure == 'vehicle_crime'")["count"].item()  # doctest: +SKIP
3790
>>> [r.kind for r in read_ons_tables("pfatablesdec19.xlsx")]  # doctest: +SKIP
['period_counts', 'population']
"""

from ncpm.io.ons.areas import NOT_A_FORCE, NOT_TERRITORIAL
from ncpm.io.ons.labels import label
from ncpm.io.ons.layout import FORMAT
from ncpm.io.ons.period import table_period
from ncpm.io.ons.reader import read_ons_pfa_table, read_ons_population, read_ons_tables
from ncpm.io.ons.unavailable import NOT_AVAILABLE

__all__ = ["FORMAT", "NOT_AVAILABLE", "NOT_A_FORCE", "NOT_TERRITORIAL", "label", "read_ons_pfa_table",
           "read_ons_population", "read_ons_tables", "table_period"]
