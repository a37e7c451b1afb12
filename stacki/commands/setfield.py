"""The base of the `set NOUN FIELD` families (host, network, host interface,
boot action): one value parameter, named after the field, written to the
chosen objects. Not a command itself; each family adds its targets.
"""

from __future__ import annotations

from typing import Any, ClassVar

from stacki.framework import types
from stacki.framework.command import Arg, Command, Param, Params


class SetField(Command):
    # The field written, and the parameter carrying its value (default: the field's name).
    field: ClassVar[str] = ""
    param: ClassVar[str] = ""
    value_type: ClassVar[str | types.Type] = "string"
    value_help: ClassVar[str] = ""
    value_optional: ClassVar[bool] = False
    # Whether `field=` (empty) is a value, one that clears the field, rather
    # than a missing parameter.
    empty_clears: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.path and "params" not in cls.__dict__:
            cls.param = cls.param or cls.field
            cls.args = cls.target_args()
            cls.params = (Param(cls.param, cls.value_type, optional=cls.value_optional,
                                empty_ok=cls.empty_clears, help=cls.value_help),
                          *cls.more_params())

    @classmethod
    def target_args(cls) -> tuple[Arg, ...]:
        """The family's arguments: what is being set."""
        return ()

    @classmethod
    def more_params(cls) -> tuple[Param, ...]:
        """The family's parameters besides the value (selectors, ...)."""
        return ()

    def field_value(self, params: Params) -> Any:
        """The value given, converted by its type ("" when empty clears)."""
        return params.typed(self.param)
