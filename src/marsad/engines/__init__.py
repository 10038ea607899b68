"""Pure-Python algorithms; never import Django here."""
