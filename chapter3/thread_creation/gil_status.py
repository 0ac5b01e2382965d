"""Does this interpreter run with the GIL right now?

``sys._is_gil_enabled()`` exists from Python 3.13 on; before that every CPython had the
GIL. A free-threaded build (``python3.13t``, ``python3.14t``, built with
``Py_GIL_DISABLED``) runs without it, unless ``PYTHON_GIL=1`` or an extension module
not marked free-thread-safe turns it back on.
"""

import sys
import sysconfig
from gettext import gettext as _


def gil_enabled():
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    return True if is_enabled is None else is_enabled()


def free_threaded_build():
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def main():
    gil, free = gil_enabled(), free_threaded_build()
    print(_("Python %s：自由线程构建 %s，GIL 开启 %s") % (sys.version.split()[0], free, gil))
    return {"gil": gil, "free_threaded_build": free}


if __name__ == "__main__":
    main()
