"""Record linkage: deciding which person records, from many members' files, are one person.

Pipeline: `records.clean_record` (normal forms and the evidence a national ID encodes) →
`blocking` (which pairs to compare) → `comparisons` (a comparison vector per pair) →
`model` (Fellegi–Sunter weights trained with Splink, stored in `model.json`) →
`decision` (hard rules that no score overrides) → `clustering` (merging without chaining).
The online check (one new registration) and the batch path (a whole file) share every step.
"""
