"""Short, self-contained example scripts that go with the docs (see docs/exercises/examples.rst)."""
