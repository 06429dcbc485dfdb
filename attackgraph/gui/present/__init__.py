"""Trainer mode: a chain presented full screen, step by step, with the
defences the room can switch on (:mod:`~.window`), drawn for a projector
(:mod:`~.painter`), and the story of several chains (:mod:`~.story`)."""
