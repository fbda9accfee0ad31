"""Writes real series that ship with statsmodels as date-first CSVs (the layout `opkit forecast`
and the Koopa authors' loader read), for `bench/koopa-authors.sh`.

    python bench/statsmodels_series.py OUT_DIR

Writes OUT_DIR/{elec_equip,elnino,sunspots,macrodata}.csv:
- elec_equip: euro-area electrical equipment orders index, monthly 1995-01..2016-05 (257 rows);
- elnino: Niño sea-surface temperature, monthly 1950..2010 (the wide table melted, 732 rows);
- sunspots: yearly sunspot activity 1700..2008 (309 rows), dated 1 January;
- macrodata: US quarterly macro series 1959Q1..2009Q3 (203 rows), the real GDP, consumption,
  investment, disposable income, unemployment and inflation columns.
"""
import os
import sys

import pandas as pd
import statsmodels.datasets.elec_equip as elec_equip
import statsmodels.datasets.elnino as elnino
import statsmodels.datasets.macrodata as macrodata
import statsmodels.datasets.sunspots as sunspots


def write(frame, path):
    frame.to_csv(path, index=False, float_format="%.6g")


def main(out):
    os.makedirs(out, exist_ok=True)
    e = elec_equip.load().data
    write(pd.DataFrame({"date": e.index.strftime("%Y-%m-%d"), "orders": e.iloc[:, 0].values}),
          os.path.join(out, "elec_equip.csv"))

    n = elnino.load_pandas().data
    months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    rows = [(f"{int(year)}-{m + 1:02d}-01", value)
            for year, values in zip(n["YEAR"], n[months].values) for m, value in enumerate(values)]
    write(pd.DataFrame(rows, columns=["date", "temperature"]), os.path.join(out, "elnino.csv"))

    s = sunspots.load_pandas().data
    write(pd.DataFrame({"date": [f"{int(y)}-01-01" for y in s["YEAR"]], "activity": s["SUNACTIVITY"]}),
          os.path.join(out, "sunspots.csv"))

    m = macrodata.load_pandas().data
    dates = [f"{int(y)}-{3 * (int(q) - 1) + 1:02d}-01" for y, q in zip(m["year"], m["quarter"])]
    columns = ["realgdp", "realcons", "realinv", "realdpi", "unemp", "infl"]
    write(pd.DataFrame({"date": dates, **{c: m[c] for c in columns}}), os.path.join(out, "macrodata.csv"))


if __name__ == "__main__":
    main(sys.argv[1])
