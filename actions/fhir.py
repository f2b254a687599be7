"""The Argonaut Scheduling client's public name: ``from actions.fhir import ArgonautClient, SlotTaken``.

The code is in ``actions/argonaut/`` (client.py, errors.py, codes.py); see that package's docstring
for why this is a module and not a package called ``fhir``.
"""
from actions.argonaut import *  # noqa: F401,F403
from actions.argonaut import __all__  # noqa: F401
