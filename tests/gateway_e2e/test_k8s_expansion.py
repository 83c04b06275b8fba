"""The harness's copy of the kubelet's $(VAR) expansion, checked against cases
from kubernetes' third_party/forked/golang/expansion/expansion_test.go."""

import pytest

from .k8s import NotEmulated, container_env, expand, mapping_func_for

ENV = {"VAR_A": "A", "VAR_B": "B", "VAR_C": "C", "VAR_REF": "$(VAR_A)", "VAR_EMPTY": ""}


@pytest.mark.parametrize(
    ("given", "want"),
    [
        ("$(VAR_A)", "A"),
        ("___$(VAR_B)___", "___B___"),
        ("$(VAR_A)-$(VAR_A)", "A-A"),
        ("$(VAR_A)-1", "A-1"),
        ("$(VAR_A)_$(VAR_B)_$(VAR_C)", "A_B_C"),
        ("$$(VAR_B)_$(VAR_A)", "$(VAR_B)_A"),
        ("$$(VAR_A)$$(VAR_B)", "$(VAR_A)$(VAR_B)"),
        ("f000-$$VAR_A", "f000-$VAR_A"),
        ("foo\\$(VAR_C)bar", "foo\\Cbar"),
        ("foo\\\\$(VAR_C)bar", "foo\\\\Cbar"),
        ("$(VAR_EMPTY)", ""),
        ("$(VAR_REF)", "$(VAR_A)"),  # no recursion
        ("$(VAR_DNE)", "$(VAR_DNE)"),
        ("$(whoami)", "$(whoami)"),
        ("$(echo ok)", "$(echo ok)"),
        ("$$", "$"),
        ("$$$", "$$"),
        ("$$$$", "$$"),
        ("$", "$"),
        ("foo$", "foo$"),
        ("$HOME", "$HOME"),
        ("${HOME}", "${HOME}"),
        ("$(VAR_A", "$(VAR_A"),
        ("$($(VAR_A))", "$($(VAR_A))"),  # the name is "$(VAR_A" (undefined)
        ("$()", "$()"),
        ("", ""),
        ("ünï$(VAR_A)cödé", "ünïAcödé"),
    ],
)
def test_expand_like_the_kubelet(given: str, want: str) -> None:
    assert expand(given, mapping_func_for(ENV)) == want


def test_env_values_see_only_earlier_vars() -> None:
    env = container_env(
        {
            "env": [
                {"name": "A", "value": "a"},
                {"name": "B", "value": "$(A)-$(C)"},
                {"name": "C", "value": "c"},
                {"name": "D", "value": "$$(A)"},
            ]
        },
        {},
    )
    assert env == {"A": "a", "B": "a-$(C)", "C": "c", "D": "$(A)"}


def test_value_from_is_not_emulated() -> None:
    with pytest.raises(NotEmulated):
        container_env({"env": [{"name": "S", "valueFrom": {"secretKeyRef": {}}}]}, {})
