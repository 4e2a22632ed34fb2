"""The grader's guard: runs inside the grading kernel, before any cell of the notebook.

A submission's answer cells run in the same Python process as the test cells that grade them, so
an answer could try to fool the tests: replace a ``grading.check_*`` function (or its ``__code__``)
with a no-op, make ``numpy.allclose`` always true, shadow a builtin such as ``AssertionError`` or
``len``, strip ``assert`` statements with an IPython AST transformer, swallow exceptions with a
custom exception handler or ``sys.excepthook``, steer the tests with ``sys.settrace`` or a signal
timer, register an IPython event hook that patches the checks again just before a test runs, or
patch the kernel's own classes. :func:`install` takes a snapshot of all of that before
any notebook code runs; before every test cell the grader calls ``before()``, which puts it all
back, loads a fresh ``course_utils.grading`` from the source text the grader read itself, and
refuses to vouch for the test while a thread started by the notebook is still running.

``before()`` and ``after()`` (the test cell's last line) print lines signed with a secret that only
the guard holds (read from a file that it deletes), so the grader can tell that the guard ran and
that the test cell ran to its end. This raises the bar a long way; it is not a sandbox: code that
digs the secret out of the guard's closure, or rewrites the kernel's messages at a lower level,
could still forge a result. Grade high-stakes work in a container and review surprising scores.
"""

import builtins
import hmac
import json
import os
import signal
import sys
import threading
import types

PREFIX = "course-grader:"
# Modules whose functions and globals the checks rely on: both are put back before each test.
_DATA = ("numpy", "math", "cmath", "operator", "numbers", "functools", "types")
# ... and those the guard itself relies on.
_DATA += ("hmac", "hashlib", "os", "posixpath", "signal", "threading")
# Packages whose classes run the kernel: methods patched or added on them are put back.
_MACHINERY = ("numpy", "IPython", "ipykernel", "jupyter_client", "zmq", "traitlets")
# Packages whose functions may legitimately hook into IPython's events (figures, widgets).
_TRUSTED_HOOKS = ("matplotlib", "matplotlib_inline", "IPython", "ipykernel", "ipywidgets")
_HEAPTYPE = 1 << 9


def _functions(namespace):
    return [
        (f, f.__code__, f.__defaults__, f.__kwdefaults__)
        for f in list(namespace.values())
        if isinstance(f, types.FunctionType)
    ]


def _snapshot_modules():
    modules, classes, functions = {}, {}, []
    for name, module in list(sys.modules.items()):
        top = name.split(".")[0]
        if not isinstance(module, types.ModuleType) or top not in _DATA + _MACHINERY:
            continue
        if top in _DATA:
            modules[name] = (module, dict(module.__dict__))
            functions += _functions(module.__dict__)
        for value in list(module.__dict__.values()):
            if (
                isinstance(value, type)
                and value.__flags__ & _HEAPTYPE
                and getattr(value, "__module__", None) == name
            ):
                classes[value] = dict(value.__dict__)
                functions += _functions(value.__dict__)
    return modules, classes, functions


def _trusted_hook(callback, cell_dir):
    """A function of matplotlib, IPython... (not one defined in the notebook) may hook events."""
    function = getattr(callback, "__func__", callback)
    if not isinstance(function, types.FunctionType):
        return False
    module = (function.__module__ or "").split(".")[0]
    in_cells = os.path.dirname(function.__code__.co_filename) == cell_dir
    return module in _TRUSTED_HOOKS and not in_cells


def _restore_dict(target_set, current, saved, changed, label):
    for key, value in saved.items():
        if current.get(key, _MISSING) is not value:
            try:
                target_set(key, value)
            except (AttributeError, TypeError):
                continue
            changed.append(f"{label}.{key}")


_MISSING = object()
_SIGNALS = [s for s in (signal.SIGALRM, signal.SIGINT, signal.SIGTERM, signal.SIGUSR1) if s]


def install(path):
    """Read the grader's secret file at ``path`` (and delete it); return the guard."""
    with open(path, encoding="utf-8") as handle:
        settings = json.load(handle)
    os.unlink(path)
    secret = settings["secret"].encode()
    source, filename = settings["grading_source"], settings["grading_path"]
    keep = set(settings["keep_names"])
    shell = get_ipython()  # noqa: F821 (the kernel's builtin)
    kernel = getattr(shell, "kernel", None)
    sign, write = hmac.new, sys.stdout.write
    settrace, setprofile = sys.settrace, sys.setprofile
    thread_settrace, thread_setprofile = threading.settrace, threading.setprofile
    setitimer, getsignal, set_signal = signal.setitimer, signal.getsignal, signal.signal
    import course_utils.grading  # noqa: F401 (snapshot it, and numpy, as they are now)

    modules, classes, functions = _snapshot_modules()
    # ipykernel swaps ``input`` at every execution, to forward it to the front-end.
    saved_builtins = {k: v for k, v in builtins.__dict__.items() if k != "input"}
    user_ns = shell.user_ns
    saved_ns = {k: user_ns[k] for k in saved_builtins if k in user_ns}
    saved_ns_builtins = user_ns.get("__builtins__")
    lists = {
        "ast_transformers": list(shell.ast_transformers),
        "input_transformers_cleanup": list(shell.input_transformers_cleanup),
        "input_transformers_post": list(shell.input_transformers_post),
    }
    manager = shell.input_transformer_manager
    manager_lists = {k: list(v) for k, v in vars(manager).items() if isinstance(v, list)}
    events = {k: list(v) for k, v in shell.events.callbacks.items()}
    objects = [shell, kernel, getattr(kernel, "session", None), shell.displayhook]
    objects += [shell.display_pub, shell.compile, sys.stdout, sys.stderr]
    instance = {id(o): (o, dict(vars(o))) for o in objects if hasattr(o, "__dict__")}
    hooks = {
        "excepthook": sys.excepthook,
        "displayhook": sys.displayhook,
        "stdout": sys.stdout,
        "stderr": sys.stderr,
    }
    handlers = {s: signal.getsignal(s) for s in _SIGNALS}
    shell_state = {
        "custom_exceptions": shell.custom_exceptions,
        "CustomTB": shell.CustomTB,
        "compile": shell.compile,
        "input_transformer_manager": manager,
    }
    compile_flags = shell.compile.flags
    handlers_map = dict(getattr(kernel, "shell_handlers", {}))
    threads = set(threading.enumerate())
    cell_dir = os.path.dirname(shell.compile.get_code_name("", "", 0))

    def emit(kind, nonce, status):
        mac = sign(secret, f"{kind}:{nonce}:{status}".encode(), "sha256").hexdigest()
        write(f"\n{PREFIX}{kind}:{nonce}:{status}:{mac}\n")

    current = {}

    def fresh_grading():
        module = types.ModuleType("course_utils.grading")
        module.__file__, module.__path__ = filename, [os.path.dirname(filename)]
        exec(compile(source, filename, "exec"), module.__dict__)
        sys.modules["course_utils.grading"] = module
        sys.modules["course_utils"].grading = module
        user_ns["grading"] = module
        current.update(
            module=module, saved=dict(module.__dict__), functions=_functions(vars(module))
        )

    def grading_tampered():
        module = current["module"]
        return (
            user_ns.get("grading") is not module
            or sys.modules.get("course_utils.grading") is not module
            or any(module.__dict__.get(k) is not v for k, v in current["saved"].items())
            or any(f.__code__ is not code for f, code, _, _ in current["functions"])
        )

    def restore_silently():
        """Put back what a notebook may change for good reasons (or by accident)."""
        settrace(None)
        setprofile(None)
        thread_settrace(None)
        thread_setprofile(None)
        for timer in (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF):
            setitimer(timer, 0)
        for number, handler in handlers.items():
            if getsignal(number) is not handler:
                try:
                    set_signal(number, handler)
                except ValueError:  # not the main thread
                    continue
        for name, value in hooks.items():
            setattr(sys, name, value)
        shell.compile.flags = compile_flags

    def restore():
        """Put back everything else, returning the names of what had been changed."""
        changed = []
        _restore_dict(
            builtins.__dict__.__setitem__, builtins.__dict__, saved_builtins, changed, "builtins"
        )
        if grading_tampered():
            changed.append("course_utils.grading")
        restore_silently()
        for name, (module, saved) in modules.items():
            if sys.modules.get(name) is not module:
                sys.modules[name] = module
                changed.append(f"sys.modules[{name!r}]")
            _restore_dict(module.__dict__.__setitem__, module.__dict__, saved, changed, name)
        for cls, saved in classes.items():
            setter = lambda key, value, cls=cls: type.__setattr__(cls, key, value)
            _restore_dict(setter, dict(cls.__dict__), saved, changed, cls.__qualname__)
            for key in [k for k in cls.__dict__ if k not in saved]:
                if callable(cls.__dict__[key]) or hasattr(cls.__dict__[key], "__get__"):
                    type.__delattr__(cls, key)
                    changed.append(f"{cls.__qualname__}.{key}")
        for function, code, defaults, kwdefaults in functions:
            if function.__code__ is not code or function.__defaults__ is not defaults:
                function.__code__, function.__defaults__ = code, defaults
                changed.append(function.__qualname__)
            if function.__kwdefaults__ is not kwdefaults:
                function.__kwdefaults__ = kwdefaults
        if user_ns.get("__builtins__") is not saved_ns_builtins:
            user_ns["__builtins__"] = saved_ns_builtins
            changed.append("__builtins__")
        for name in saved_builtins:
            if name in keep:  # the notebook's own cells bind this name
                continue
            if name in saved_ns:
                if user_ns.get(name) is not saved_ns[name]:
                    user_ns[name] = saved_ns[name]
                    changed.append(f"the name {name!r}")
            elif name in user_ns:
                del user_ns[name]
                changed.append(f"the name {name!r}")
        for name, value in shell_state.items():
            if getattr(shell, name) is not value:
                setattr(shell, name, value)
                changed.append(f"shell.{name}")
        for name, saved in lists.items():
            if getattr(shell, name) != saved:
                getattr(shell, name)[:] = saved
                changed.append(f"shell.{name}")
        for name, saved in manager_lists.items():
            if getattr(manager, name) != saved:
                getattr(manager, name)[:] = saved
                changed.append(f"input_transformer_manager.{name}")
        for name, callbacks in shell.events.callbacks.items():
            saved = events.get(name, [])
            wanted = saved + [c for c in callbacks if c not in saved and _trusted_hook(c, cell_dir)]
            if callbacks != wanted:
                callbacks[:] = wanted
                changed.append(f"events[{name!r}]")
        for obj, saved in instance.values():
            attributes = vars(obj)
            for key in [k for k in attributes if k not in saved]:
                if callable(attributes[key]) and hasattr(type(obj), key):
                    del attributes[key]
                    changed.append(f"{type(obj).__name__}.{key}")
        if kernel is not None and kernel.shell_handlers != handlers_map:
            kernel.shell_handlers.clear()
            kernel.shell_handlers.update(handlers_map)
            changed.append("kernel.shell_handlers")
        fresh_grading()
        return changed

    def started_in_cells(thread):
        for code in (
            getattr(getattr(thread, "_target", None), "__code__", None),
            getattr(getattr(type(thread), "run", None), "__code__", None),
        ):
            if code is not None and os.path.dirname(code.co_filename) == cell_dir:
                return True
        return False

    guard_code = [
        (f, f.__code__)
        for f in (_restore_dict, _functions, _trusted_hook, emit, fresh_grading, grading_tampered)
        + (restore_silently, restore, started_in_cells)
    ]

    def before(nonce):
        """Put back everything the snapshot holds; sign the outcome."""
        for function, code in guard_code:  # the guard's own functions first
            function.__code__ = code
        changed = restore()
        live = [t.name for t in threading.enumerate() if t not in threads and started_in_cells(t)]
        status = "ok"
        if live:
            status = f"a thread started by the notebook is still running ({live[0]})"
        elif changed:
            status = "restored " + ", ".join(sorted(set(changed))[:5])
        emit("before", nonce, status.replace(":", ";").replace("\n", " "))

    def after(nonce):
        """The test cell's last line: it ran to its end."""
        emit("after", nonce, "ok")

    fresh_grading()
    return types.SimpleNamespace(before=before, after=after)
