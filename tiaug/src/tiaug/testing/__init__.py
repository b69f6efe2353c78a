"""Helpers for testing code that uses tiaug.

:mod:`tiaug.testing.strategies` holds `hypothesis <https://hypothesis.readthedocs.io>`_ strategies
for temperature frames, label maps and synthetic faces, for your own property tests. It needs the
optional dependency: ``pip install tiaug[testing]``.
"""
