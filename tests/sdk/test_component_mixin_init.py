"""The component mixins' ``__init__`` as 0.41's (Protocol subclasses there): (*args, **kwargs),
handing construction to the class's real constructor."""

from __future__ import annotations

import inspect

import rerun as rr
from rerun._baseclasses import ComponentMixin


def test_the_mixins_take_any_arguments_as_0_41() -> None:
    for mixin in (rr.ComponentMixin, rr.ComponentBatchMixin):
        params = list(inspect.signature(mixin.__init__).parameters.values())[1:]
        assert [p.kind for p in params] == [inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD]


def test_components_keep_their_datatypes_constructor() -> None:
    assert list(inspect.signature(rr.components.GraphEdge.__init__).parameters)[1:] == ["first", "second"]
    assert str(rr.components.GraphEdge("a", "b").first) == "a"


def test_a_str_component_and_a_chained_super_init_construct_as_without_the_mixin() -> None:
    class Label(str, ComponentMixin):
        pass

    class Chained(ComponentMixin):
        def __init__(self, x: int) -> None:
            super().__init__()
            self.x = x

    assert Label("hi") == "hi"
    assert Chained(3).x == 3
