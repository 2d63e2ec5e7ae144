"""GX's pandas type names, judged on Polars columns without pandas.

GX type expectations speak numpy/pandas: a column passes `type_="int64"`
when its pandas dtype is int64. A Polars column is judged by the dtype it
becomes in the GX runner (Polars' `to_pandas`, strings as Python objects):
integers with nulls become float64, booleans with nulls and strings become
object. On an object column GX checks each non-null value with isinstance,
otherwise it compares the column dtype once.
"""

from __future__ import annotations

import contextlib

import numpy as np
import polars as pl

# Python value classes an object column holds, by Polars dtype.
_OBJECT_VALUE_CLASS: dict[type[pl.DataType], type] = {pl.String: str, pl.Boolean: bool, pl.Null: type(None)}
# GX's native_type_type_map: type name -> Python classes.
_NATIVE = {
    "none": (type(None),),
    "bool": (bool,),
    "int": (int,),
    "long": (int,),
    "float": (float,),
    "bytes": (bytes,),
    "complex": (complex,),
    "str": (str,),
    "string_types": (str,),
    "list": (list,),
    "dict": (dict,),
}


def pandas_dtype(dtype: pl.DataType, has_nulls: bool) -> np.dtype:
    """The numpy dtype a Polars column of this dtype gets in pandas."""
    if dtype.is_integer():
        return np.dtype("float64") if has_nulls else np.dtype(str(dtype).lower())
    if dtype == pl.Float32:
        return np.dtype("float32")
    if dtype.is_float():
        return np.dtype("float64")
    if dtype == pl.Boolean and not has_nulls:
        return np.dtype("bool")
    if dtype == pl.Date:
        return np.dtype("datetime64[ms]")
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
        return np.dtype(f"datetime64[{dtype.time_unit}]")
    if isinstance(dtype, pl.Duration):
        return np.dtype(f"timedelta64[{dtype.time_unit}]")
    return np.dtype("object")


def object_value_class(dtype: pl.DataType) -> type | None:
    """The Python class of the values of an object column, None if not one Polars knows."""
    return _OBJECT_VALUE_CLASS.get(type(dtype))


def comparison_types(type_name: str) -> list[object]:
    """What GX compares a type name with: numpy scalar type and dtype, and Python classes."""
    found: list[object] = []
    with contextlib.suppress(TypeError):  # not a numpy name: GX then tries Python types
        found += [np.dtype(type_name).type, np.dtype(type_name)]
    found += list(_NATIVE.get(type_name.lower(), ()))
    return found


def is_known(type_name: str) -> bool:
    """True when numpy or GX's Python-type map resolves the name."""
    return bool(comparison_types(type_name))


def value_class_matches(value_class: type, type_names: list[str]) -> bool:
    """GX's per-value isinstance check on an object column, for one class of values."""
    classes = tuple(c for name in type_names for c in comparison_types(name) if isinstance(c, type))
    return issubclass(value_class, classes) if classes else False


def dtype_is_of_type(actual: np.dtype, type_name: str) -> bool:
    """GX of_type on a non-object column: the dtype's scalar type is the named one."""
    return actual.type in [c for c in comparison_types(type_name)]


def dtype_in_type_list(actual: np.dtype, type_names: list[str]) -> bool:
    """GX in_type_list on a non-object column: the dtype equals one of the named ones."""
    return any(actual == c for name in type_names for c in comparison_types(name))
