"""Marsad (مرصد): the data platform of Egypt's National Alliance for Civil Development Work."""
