"""Synthetic, fictional demo data for Marsad (pure Python, deterministic with a seed).

Nothing here describes a real person: given names and family names are generic,
common Egyptian names combined at random, and every identifier is made up.
"""
