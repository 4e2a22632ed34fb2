"""The grader's guard: runs inside the grading kernel, before any cell of the notebook.

A submission's answer cells run in the same Python process as the test cells that grade them, so
an answer could try to fool the tests: replace a ``grading.check_*`` function (or its ``__code__``)
with a no-op, make ``numpy.allclose`` always true, shadow a builtin such as ``AssertionError`` or
``len``, strip ``assert`` statements with an IPython AST transformer, swallow exceptions with a
custom exception handler or ``sys.excepthook``, steer the tests with ``sys.settrace`` or a signal
timer, register an IPython event hook that patches the checks again just before a test runs, or
patch the kernel's own classes. :func:`install` takes a snapshot of all of that before
any notebook code runs; before every test cell the grader calls ``before()``, which puts back the
guard's own functions and names, then all the rest, loads a fresh ``course_utils.grading`` from
the source text the grader read itself, and refuses to vouch for the test while a thread started
by the notebook is still running.

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
_MISSING = object()
_SIGNALS = [s for s in (signal.SIGALRM, signal.SIGINT, signal.SIGTERM, signal.SIGUSR1) if s]
_SYS_HOOKS = ("excepthook", "displayhook", "stdout", "stderr")
_SHELL_LISTS = ("ast_transformers", "input_transformers_cleanup", "input_transformers_post")


def install(path):
    """Read the grader's secret file at ``path`` (and delete it); return the guard."""
    settings = _read_settings(path)
    import course_utils.grading  # noqa: F401 (snapshot it, and numpy, as they are now)

    snap = _snapshot(settings, get_ipython())  # noqa: F821 (the kernel's builtin)
    own_globals, own = globals(), dict(globals())
    own_code = [(f, f.__code__) for f, *_ in _functions(own) if f.__module__ == __name__]

    def before(nonce):
        """Put back everything the snapshot holds; sign the outcome."""
        own_globals.update(own)  # the guard's own names and functions first
        for name in [k for k in own_globals if k not in own]:
            del own_globals[name]
        for function, code in own_code:
            function.__code__ = code
        changed = _restore(snap)
        _emit(snap, "before", nonce, _status(snap, changed))

    def after(nonce):
        """The test cell's last line: it ran to its end."""
        _emit(snap, "after", nonce, "ok")

    _fresh_grading(snap)
    return types.SimpleNamespace(before=before, after=after)


def _read_settings(path):
    """The grader's settings (secret, checks' source, names to keep); the file is deleted."""
    with open(path, encoding="utf-8") as handle:
        settings = json.load(handle)
    os.unlink(path)
    return settings


# --- The snapshot, taken at install -------------------------------------------------------------


def _snapshot(settings, shell):
    """Everything the guard puts back, as it is before any notebook code runs.

    A ``SimpleNamespace``, not a class of this module: its type cannot be patched by the notebook.
    """
    kernel = getattr(shell, "kernel", None)
    modules, classes, functions = _snapshot_modules()
    return types.SimpleNamespace(
        secret=settings["secret"].encode(),
        source=settings["grading_source"],
        filename=settings["grading_path"],
        keep=set(settings["keep_names"]),
        shell=shell,
        kernel=kernel,
        user_ns=shell.user_ns,
        modules=modules,
        classes=classes,
        functions=functions,
        hooks={name: getattr(sys, name) for name in _SYS_HOOKS},
        handlers={s: signal.getsignal(s) for s in _SIGNALS},
        handlers_map=dict(getattr(kernel, "shell_handlers", {})),
        threads=set(threading.enumerate()),
        instances=_snapshot_instances(shell, kernel),
        **_tools(),
        **_snapshot_builtins(shell.user_ns),
        **_snapshot_shell(shell),
    )


def _tools():
    """The functions the guard calls, taken before the notebook can replace them."""
    return {
        "sign": hmac.new,
        "write": sys.stdout.write,
        "settrace": sys.settrace,
        "setprofile": sys.setprofile,
        "thread_settrace": threading.settrace,
        "thread_setprofile": threading.setprofile,
        "setitimer": signal.setitimer,
        "getsignal": signal.getsignal,
        "set_signal": signal.signal,
    }


def _functions(namespace):
    """The functions in ``namespace``, each with its code and defaults."""
    return [
        (f, f.__code__, f.__defaults__, f.__kwdefaults__)
        for f in list(namespace.values())
        if isinstance(f, types.FunctionType)
    ]


def _snapshot_modules():
    """The data modules' globals, the machinery's classes, and the functions of both."""
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


def _snapshot_builtins(user_ns):
    """The builtins, those the notebook's namespace holds, and its ``__builtins__``."""
    # ipykernel swaps ``input`` at every execution, to forward it to the front-end.
    saved = {k: v for k, v in builtins.__dict__.items() if k != "input"}
    return {
        "builtins": saved,
        "ns_names": {k: user_ns[k] for k in saved if k in user_ns},
        "ns_builtins": user_ns.get("__builtins__"),
    }


def _snapshot_shell(shell):
    """The IPython shell's transformer lists, event callbacks, exception handlers and compiler."""
    manager = shell.input_transformer_manager
    return {
        "lists": {name: list(getattr(shell, name)) for name in _SHELL_LISTS},
        "manager": manager,
        "manager_lists": {k: list(v) for k, v in vars(manager).items() if isinstance(v, list)},
        "events": {k: list(v) for k, v in shell.events.callbacks.items()},
        "shell_state": {
            "custom_exceptions": shell.custom_exceptions,
            "CustomTB": shell.CustomTB,
            "compile": shell.compile,
            "input_transformer_manager": manager,
        },
        "compile_flags": shell.compile.flags,
        "cell_dir": os.path.dirname(shell.compile.get_code_name("", "", 0)),
    }


def _snapshot_instances(shell, kernel):
    """The attributes of the objects that run the kernel, by ``id``."""
    objects = [shell, kernel, getattr(kernel, "session", None), shell.displayhook]
    objects += [shell.display_pub, shell.compile, sys.stdout, sys.stderr]
    return {id(o): (o, dict(vars(o))) for o in objects if hasattr(o, "__dict__")}


# --- Before each test: put it all back ----------------------------------------------------------


def _restore(snap):
    """Put back everything the snapshot holds; return the names of what had been changed."""
    changed = _restore_builtins(snap)
    if _grading_tampered(snap):
        changed.append("course_utils.grading")
    _restore_silently(snap)
    changed += _restore_modules(snap)
    changed += _restore_classes(snap)
    changed += _restore_functions(snap)
    changed += _restore_user_names(snap)
    changed += _restore_shell(snap)
    changed += _restore_events(snap)
    changed += _restore_instances(snap)
    changed += _restore_kernel_handlers(snap)
    _fresh_grading(snap)
    return changed


def _restore_dict(target_set, current, saved, changed, label):
    """Set back each key of ``saved`` whose value in ``current`` differs; list it in ``changed``."""
    for key, value in saved.items():
        if current.get(key, _MISSING) is not value:
            try:
                target_set(key, value)
            except (AttributeError, TypeError):
                continue
            changed.append(f"{label}.{key}")


def _restore_builtins(snap):
    """Put back the builtins module's names (first, as the rest of the guard uses them)."""
    changed = []
    _restore_dict(
        builtins.__dict__.__setitem__, builtins.__dict__, snap.builtins, changed, "builtins"
    )
    return changed


def _restore_silently(snap):
    """Put back what a notebook may change for good reasons (or by accident)."""
    _restore_tracing(snap)
    _restore_signals(snap)
    _restore_sys_hooks(snap)
    snap.shell.compile.flags = snap.compile_flags


def _restore_tracing(snap):
    """Remove tracing and profiling hooks, in this thread and for new threads."""
    snap.settrace(None)
    snap.setprofile(None)
    snap.thread_settrace(None)
    snap.thread_setprofile(None)


def _restore_signals(snap):
    """Stop the interval timers and put back the signal handlers."""
    for timer in (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF):
        snap.setitimer(timer, 0)
    for number, handler in snap.handlers.items():
        if snap.getsignal(number) is not handler:
            try:
                snap.set_signal(number, handler)
            except ValueError:  # not the main thread
                continue


def _restore_sys_hooks(snap):
    """Put back ``sys``'s exception and display hooks and its standard streams."""
    for name, value in snap.hooks.items():
        setattr(sys, name, value)


def _restore_modules(snap):
    """Put back the data modules in ``sys.modules``, and their globals."""
    changed = []
    for name, (module, saved) in snap.modules.items():
        if sys.modules.get(name) is not module:
            sys.modules[name] = module
            changed.append(f"sys.modules[{name!r}]")
        _restore_dict(module.__dict__.__setitem__, module.__dict__, saved, changed, name)
    return changed


def _restore_classes(snap):
    """Put back the classes' attributes; remove the methods added to them."""
    changed = []
    for cls, saved in snap.classes.items():
        setter = lambda key, value, cls=cls: type.__setattr__(cls, key, value)
        _restore_dict(setter, dict(cls.__dict__), saved, changed, cls.__qualname__)
        for key in [k for k in cls.__dict__ if k not in saved]:
            if callable(cls.__dict__[key]) or hasattr(cls.__dict__[key], "__get__"):
                type.__delattr__(cls, key)
                changed.append(f"{cls.__qualname__}.{key}")
    return changed


def _restore_functions(snap):
    """Put back the code and defaults of the modules' and classes' functions."""
    changed = []
    for function, code, defaults, kwdefaults in snap.functions:
        if function.__code__ is not code or function.__defaults__ is not defaults:
            function.__code__, function.__defaults__ = code, defaults
            changed.append(function.__qualname__)
        if function.__kwdefaults__ is not kwdefaults:
            function.__kwdefaults__ = kwdefaults
    return changed


def _restore_user_names(snap):
    """Put back the notebook's ``__builtins__``; unshadow the builtins its cells do not bind."""
    changed, user_ns = [], snap.user_ns
    if user_ns.get("__builtins__") is not snap.ns_builtins:
        user_ns["__builtins__"] = snap.ns_builtins
        changed.append("__builtins__")
    for name in snap.builtins:
        if name in snap.keep:  # the notebook's own cells bind this name
            continue
        if name in snap.ns_names:
            if user_ns.get(name) is not snap.ns_names[name]:
                user_ns[name] = snap.ns_names[name]
                changed.append(f"the name {name!r}")
        elif name in user_ns:
            del user_ns[name]
            changed.append(f"the name {name!r}")
    return changed


def _restore_shell(snap):
    """Put back the shell's exception handlers, compiler and transformer lists."""
    changed, shell = [], snap.shell
    for name, value in snap.shell_state.items():
        if getattr(shell, name) is not value:
            setattr(shell, name, value)
            changed.append(f"shell.{name}")
    for name, saved in snap.lists.items():
        if getattr(shell, name) != saved:
            getattr(shell, name)[:] = saved
            changed.append(f"shell.{name}")
    for name, saved in snap.manager_lists.items():
        if getattr(snap.manager, name) != saved:
            getattr(snap.manager, name)[:] = saved
            changed.append(f"input_transformer_manager.{name}")
    return changed


def _restore_events(snap):
    """Remove the IPython event callbacks added by the notebook (not matplotlib's, widgets'...)."""
    changed = []
    for name, callbacks in snap.shell.events.callbacks.items():
        saved = snap.events.get(name, [])
        wanted = saved + [
            c for c in callbacks if c not in saved and _trusted_hook(c, snap.cell_dir)
        ]
        if callbacks != wanted:
            callbacks[:] = wanted
            changed.append(f"events[{name!r}]")
    return changed


def _trusted_hook(callback, cell_dir):
    """A function of matplotlib, IPython... (not one defined in the notebook) may hook events."""
    function = getattr(callback, "__func__", callback)
    if not isinstance(function, types.FunctionType):
        return False
    module = (function.__module__ or "").split(".")[0]
    in_cells = os.path.dirname(function.__code__.co_filename) == cell_dir
    return module in _TRUSTED_HOOKS and not in_cells


def _restore_instances(snap):
    """Remove the methods set on the kernel's objects themselves (shell, kernel, streams...)."""
    changed = []
    for obj, saved in snap.instances.values():
        attributes = vars(obj)
        for key in [k for k in attributes if k not in saved]:
            if callable(attributes[key]) and hasattr(type(obj), key):
                del attributes[key]
                changed.append(f"{type(obj).__name__}.{key}")
    return changed


def _restore_kernel_handlers(snap):
    """Put back the kernel's table of message handlers."""
    kernel = snap.kernel
    if kernel is None or kernel.shell_handlers == snap.handlers_map:
        return []
    kernel.shell_handlers.clear()
    kernel.shell_handlers.update(snap.handlers_map)
    return ["kernel.shell_handlers"]


# --- The grading module, threads and the signed lines -------------------------------------------


def _fresh_grading(snap):
    """Load ``course_utils.grading`` from the grader's source; bind it wherever it is looked up."""
    module = types.ModuleType("course_utils.grading")
    module.__file__, module.__path__ = snap.filename, [os.path.dirname(snap.filename)]
    exec(compile(snap.source, snap.filename, "exec"), module.__dict__)
    sys.modules["course_utils.grading"] = module
    sys.modules["course_utils"].grading = module
    snap.user_ns["grading"] = module
    snap.grading, snap.grading_saved = module, dict(module.__dict__)
    snap.grading_functions = _functions(vars(module))


def _grading_tampered(snap):
    """Whether the notebook rebound, patched or recoded the grading module loaded last."""
    module = snap.grading
    return (
        snap.user_ns.get("grading") is not module
        or sys.modules.get("course_utils.grading") is not module
        or any(module.__dict__.get(k) is not v for k, v in snap.grading_saved.items())
        or any(f.__code__ is not code for f, code, _, _ in snap.grading_functions)
    )


def _started_in_cells(thread, cell_dir):
    """Whether ``thread`` runs a function defined in a notebook cell."""
    for code in (
        getattr(getattr(thread, "_target", None), "__code__", None),
        getattr(getattr(type(thread), "run", None), "__code__", None),
    ):
        if code is not None and os.path.dirname(code.co_filename) == cell_dir:
            return True
    return False


def _status(snap, changed):
    """The before line's status: ``ok``, ``restored ...``, or why the test is not vouched for."""
    live = [
        t.name
        for t in threading.enumerate()
        if t not in snap.threads and _started_in_cells(t, snap.cell_dir)
    ]
    status = "ok"
    if live:
        status = f"a thread started by the notebook is still running ({live[0]})"
    elif changed:
        status = "restored " + ", ".join(sorted(set(changed))[:5])
    return status.replace(":", ";").replace("\n", " ")


def _emit(snap, kind, nonce, status):
    """Print the line ``kind:nonce:status`` signed with the secret."""
    mac = snap.sign(snap.secret, f"{kind}:{nonce}:{status}".encode(), "sha256").hexdigest()
    snap.write(f"\n{PREFIX}{kind}:{nonce}:{status}:{mac}\n")
