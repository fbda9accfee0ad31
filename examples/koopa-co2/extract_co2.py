"""Writes co2.csv from statsmodels' copy of the Mauna Loa weekly CO2 record (public domain).

Run once with statsmodels installed (pip install statsmodels); the CSV is kept in the repository,
so nothing is downloaded at run time. The 59 missing weeks are filled by linear interpolation in
time; the columns are `date` (ISO, the week's Saturday) and `co2` (ppm).
"""
import statsmodels.api as sm

data = sm.datasets.co2.load_pandas().data
filled = data["co2"].interpolate(method="time")
with open("co2.csv", "w") as f:
    f.write("date,co2\n")
    for day, value in filled.items():
        f.write(f"{day.date().isoformat()},{value:.2f}\n")
