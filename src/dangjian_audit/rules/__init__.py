"""Check kinds and their registry: kind name -> (parameter model, check function).

Each module of this package declares its kinds in a ``KINDS`` tuple of :class:`CheckKind`;
the registry collects them, and :data:`CheckSpec` is the union of their parameter models,
discriminated on ``kind``. Adding a kind is one module here (plus its messages in
``locale/messages.yaml`` and a test); a test checks that every module declares its kinds
and that every kind the catalog uses exists.
"""

import importlib
import pkgutil
from typing import Annotated, Any, Union

from pydantic import ConfigDict, Field, TypeAdapter

from dangjian_audit.rules.base import CheckKind


def _collect() -> dict[str, CheckKind[Any]]:
    registry: dict[str, CheckKind[Any]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for kind in getattr(module, "KINDS", ()):
            if kind.name in registry:
                raise RuntimeError(f"check kind {kind.name!r} declared twice")
            registry[kind.name] = kind
    return registry


REGISTRY: dict[str, CheckKind[Any]] = _collect()

# The union of every kind's parameter model, discriminated on ``kind`` (built from the registry,
# so it cannot be spelt out for the type checker: statically it is a ``Spec``).
CheckSpec: Any = Annotated[Union[tuple(kind.spec for kind in REGISTRY.values())], Field(discriminator="kind")]  # noqa: UP007
# Built on first validation (a catalog load), not at import: a cached ruleset never needs it.
SPECS: TypeAdapter[Any] = TypeAdapter(CheckSpec, config=ConfigDict(defer_build=True))
