"""Date and number formats of the two languages (`FORMAT_MODULE_PATH`).

Egyptian usage in both: day before month (04/12/2026, never month first), a 24-hour clock,
a decimal point and thousands commas, the week starting on Saturday.
"""
