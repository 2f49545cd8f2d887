"""Game definition: players, instruments with ladders, payoffs and leverage (no I/O)."""

from sim.model.game import Game, Instrument, Interaction

__all__ = ["Game", "Instrument", "Interaction"]
