"""The decorators for rulebook kernels, and the few helpers that differ between compiled and
plain-Python runs.

``cache=True`` keeps start-up fast; ``error_model="numpy"`` lets divisions compile without
Python's zero-division checks (the invariants tests guard against NaN and inf instead).

With ``NUMBA_DISABLE_JIT=1`` every kernel is its own Python function, so a rule can be stepped
in pdb or measured by coverage. Three things need a Python form for that, each declared here
once with its Python form: :func:`records` (record arrays whose elements take attribute
access, as numba's records do), :func:`borrow` (the array itself in Python) and
:func:`prefetch` (nothing in Python).
"""

import functools

import numba
import numpy as np
from numba import njit
from numba.extending import intrinsic, overload

__all__ = ["kernel", "hot_kernel", "borrow", "prefetch", "records", "wrapping", "INTERPRETED"]

# True when the rulebook runs as plain Python (NUMBA_DISABLE_JIT=1)
INTERPRETED = bool(numba.config.DISABLE_JIT)

kernel = njit(cache=True, error_model="numpy")

# small kernels called once per agent review: inlined into the review loops at numba IR level
hot_kernel = njit(cache=True, error_model="numpy", inline="always")


def wrapping(fn):
    """Let ``fn``'s unsigned 64-bit arithmetic wrap silently in plain-Python mode.

    Compiled code wraps on overflow as C does; numpy's scalars wrap too but warn. The
    counter-based hashes rely on wrapping, so in plain Python they run under
    ``np.errstate(over="ignore")``. Compiled, ``fn`` is returned unchanged.
    """
    if not INTERPRETED:
        return fn

    @functools.wraps(fn)
    def quiet(*args):
        with np.errstate(over="ignore"):
            return fn(*args)

    return quiet


def records(arr):
    """``arr`` with attribute access to its records' fields, in both modes.

    Compiled, a record array's element is a record whose fields read as attributes; in plain
    Python a structured array's element is a ``numpy.void`` that does not, so the array is
    viewed as a ``numpy.recarray`` (same memory).
    """
    return arr.view(np.recarray)


@overload(records, inline="always")
def _records_compiled(arr):
    return lambda arr: arr


@intrinsic
def _borrow(typingctx, arr):
    """A view of ``arr`` that owns no reference (its meminfo is null)."""

    def codegen(context, builder, sig, args):
        src = context.make_array(sig.args[0])(context, builder, value=args[0])
        out = context.make_array(sig.return_type)(context, builder)
        context.populate_array(
            out,
            data=src.data,
            shape=src.shape,
            strides=src.strides,
            itemsize=src.itemsize,
            meminfo=None,
        )
        return out._getvalue()

    return arr(arr), codegen


@intrinsic
def _prefetch(typingctx, arr, idx):
    """A cache hint for ``arr[idx]`` (LLVM's prefetch: read, high locality, data cache)."""
    from llvmlite import ir
    from numba.core import cgutils, types

    sig = types.void(arr, idx)

    def codegen(context, builder, sig, args):
        aryty, idxty = sig.args
        ary = context.make_array(aryty)(context, builder, value=args[0])
        i = context.cast(builder, args[1], idxty, types.intp)
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [i], wraparound=False)
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        builder.call(fn, [builder.bitcast(ptr, i8p), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return sig, codegen


def _borrow_python(arr):
    return arr


def _prefetch_python(arr, idx) -> None:
    return None


# Compiled kernels call the intrinsics directly (an overload wrapping ``_borrow`` is a function
# returning a borrowed array, and runs crash); plain Python calls the Python forms.
borrow = _borrow_python if INTERPRETED else _borrow
borrow.__doc__ = """A view of ``arr`` that owns no reference (in plain Python, ``arr`` itself).

Every array passed to an inlined kernel is reference-counted with an atomic increment and
decrement per call; inside a loop of 10^5 agent reviews that was 30% of a run. A borrowed view
makes those a null check. Only use it while ``arr`` itself is alive in the caller.
"""
prefetch = _prefetch_python if INTERPRETED else _prefetch
prefetch.__doc__ = """Ask the CPU to bring ``arr[idx]`` into the cache (a hint: no effect on
results; nothing in plain Python).

Agents' reviews read records in an order the hardware cannot predict; prefetching a few reviews
ahead overlaps their memory latency when a population outgrows the cache.
"""
