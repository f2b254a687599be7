"""schedbot actions."""
from actions.safety import install as _install_safety_net

_install_safety_net()
