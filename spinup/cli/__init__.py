"""The command line's parts that sit above the algorithms: reading and checking flags
(``flags``), a new run from a run's config.json (``relaunch``) and going on from a checkpoint
(``resume``). ``spinup/run.py`` dispatches to them."""
