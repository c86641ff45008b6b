"""mentorkit: an interactive course for mentors in academic medicine.

``import mentorkit`` stays light: widgets, pandas and matplotlib are imported
only by the parts that draw or display something.
"""

__version__ = "0.1.0"

__all__ = ["show_scenario", "choose_scenario", "Store", "__version__"]


def __getattr__(name):
    # Lazy so that `import mentorkit` does not pay for ipywidgets.
    if name in ("show_scenario", "choose_scenario"):
        from .ui import scenario_player

        return getattr(scenario_player, name)
    if name == "Store":
        from .store import Store

        return Store
    raise AttributeError(f"module 'mentorkit' has no attribute {name!r}")
