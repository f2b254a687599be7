"""schedbot actions."""
from actions.memory import install as _install_memory
from actions.safety import install as _install_safety_net

_install_safety_net()
_install_memory()
