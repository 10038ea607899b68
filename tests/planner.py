"""Recording the planner analyses bulk work asks for (`core.planner.analyze_grown`)."""

from marsad.core import planner


def record_analyses(monkeypatch, module) -> list[list[str]]:
    """The tables `module.analyze_grown` analyses, call by call; every growth is due,
    however small (the thresholds are tested in tests/core/test_planner.py)."""
    monkeypatch.setattr(planner, "MINIMUM_PAGES", 1)
    monkeypatch.setattr(planner, "GROWTH", 1.0)
    analysed: list[list[str]] = []
    real = module.analyze_grown

    def recorded(*models):
        analysed.append(real(*models))
        return analysed[-1]

    monkeypatch.setattr(module, "analyze_grown", recorded)
    return analysed
