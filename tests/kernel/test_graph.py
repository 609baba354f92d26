"""Tests for kernel/graph.py: install order, auto_install closure and the install, upgrade, uninstall plans.

The fixture addons (tests/fixtures/addons) form this graph::

    depth 1  base
    depth 2  alpha  beta  hidden_x  notinst (installable: False)
    depth 3  auto_ab (alpha, beta; auto_install True)  broken (alpha)
             gamma (alpha, beta)  needs_notinst (notinst)
    depth 4  auto_list (beta, gamma; auto_install ["beta"])
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from kernel.exceptions import DependencyError, KernelError, ManifestError
from kernel.graph import AddonGraph
from kernel.manifest import discover

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "addons"
PRODUCT_ADDONS = ROOT / "addons"

# What installing beta on an empty database gives: beta triggers auto_list,
# which pulls gamma and alpha, which together with beta trigger auto_ab.
AFTER_BETA = ["base", "alpha", "beta", "auto_ab", "gamma", "auto_list"]


@pytest.fixture(scope="module")
def fixture_manifests():
    return discover([FIXTURES], entry_points=False)


@pytest.fixture
def graph(fixture_manifests):
    return AddonGraph(fixture_manifests)


def make_graph(root: Path, addons: dict[str, dict]) -> AddonGraph:
    """A graph of small addons written to ``root``: name -> manifest keys (``name`` is added)."""
    for addon, keys in addons.items():
        folder = root / addon
        folder.mkdir(parents=True)
        (folder / "__manifest__.py").write_text(repr({"name": addon.title(), **keys}), encoding="utf-8")
    found = discover([root], entry_points=False)
    return AddonGraph(found, found.broken)


# -- depth and order ------------------------------------------------------------


def test_depth_is_one_more_than_the_deepest_dependency(graph):
    depths = {name: graph.depth(name) for name in graph.manifests}

    assert depths == {
        "base": 1,
        "alpha": 2,
        "beta": 2,
        "hidden_x": 2,
        "notinst": 2,
        "auto_ab": 3,
        "broken": 3,
        "gamma": 3,
        "needs_notinst": 3,
        "auto_list": 4,
    }


def test_order_sorts_by_depth_then_by_name(graph):
    assert graph.order(graph.manifests) == [
        "base",
        "alpha", "beta", "hidden_x", "notinst",
        "auto_ab", "broken", "gamma", "needs_notinst",
        "auto_list",
    ]  # fmt: skip


def test_order_does_not_depend_on_the_input_order_and_drops_duplicates(graph):
    names = ["gamma", "beta", "alpha", "base", "auto_ab"]

    orders = {tuple(graph.order(perm)) for perm in itertools.permutations(names)}

    assert orders == {("base", "alpha", "beta", "auto_ab", "gamma")}
    assert graph.order(["beta", "alpha", "beta", "base", "alpha"]) == ["base", "alpha", "beta"]


def test_plans_do_not_depend_on_the_order_manifests_were_found_in(fixture_manifests):
    forward = AddonGraph(fixture_manifests)
    backward = AddonGraph(dict(reversed(list(fixture_manifests.items()))))

    assert forward.plan_install(["beta"], []) == backward.plan_install(["beta"], []) == AFTER_BETA
    assert forward.order(fixture_manifests) == backward.order(reversed(list(fixture_manifests)))


def test_dependencies_are_transitive_and_include_the_names_themselves(graph):
    assert graph.dependencies(["gamma"]) == {"gamma", "alpha", "beta", "base"}
    assert graph.dependencies(["base"]) == {"base"}


def test_dependents_are_transitive_and_limited_to_the_given_addons(graph):
    assert graph.dependents(["alpha"], among=AFTER_BETA) == {"alpha", "auto_ab", "gamma", "auto_list"}
    assert graph.dependents(["alpha"], among=["base", "alpha", "broken"]) == {"alpha", "broken"}


# -- plan_install ---------------------------------------------------------------


def test_plan_install_pulls_in_missing_dependencies_in_install_order(graph):
    assert graph.plan_install(["broken"], []) == ["base", "alpha", "broken"]


def test_plan_install_skips_installed_addons(graph):
    assert graph.plan_install(["broken"], ["base", "alpha"]) == ["broken"]
    assert graph.plan_install(["alpha"], ["base", "alpha"]) == []


def test_plan_install_result_does_not_depend_on_the_request_order(graph):
    expected = ["base", "alpha", "hidden_x", "broken"]

    assert graph.plan_install(["broken", "hidden_x"], []) == expected
    assert graph.plan_install(["hidden_x", "broken"], []) == expected
    assert graph.plan_install(["hidden_x", "broken", "hidden_x"], []) == expected


def test_plan_install_changes_nothing_between_calls(graph):
    first = graph.plan_install(["broken"], ["base"])

    assert graph.plan_install(["broken"], ["base"]) == first == ["alpha", "broken"]


def test_auto_install_true_waits_for_all_its_dependencies(graph):
    assert graph.plan_install(["alpha"], []) == ["base", "alpha"]


def test_auto_install_closure_repeats_until_nothing_changes(graph):
    assert graph.plan_install(["beta"], []) == AFTER_BETA


def test_auto_install_addons_already_installed_are_not_planned_again(graph):
    assert graph.plan_install(["broken"], AFTER_BETA) == ["broken"]
    assert graph.plan_install(["hidden_x"], AFTER_BETA + ["broken"]) == ["hidden_x"]


def test_auto_install_true_installs_once_every_dependency_is_present(tmp_path):
    graph = make_graph(
        tmp_path,
        {
            "base": {},
            "x": {"depends": ["base"]},
            "y": {"depends": ["base"]},
            "glue": {"depends": ["x", "y"], "auto_install": True},
        },
    )

    assert graph.plan_install(["x"], []) == ["base", "x"]
    assert graph.plan_install(["x", "y"], []) == ["base", "x", "y", "glue"]
    assert graph.plan_install(["y"], ["base", "x"]) == ["y", "glue"]


def test_auto_install_list_uses_its_triggers_and_pulls_the_rest_of_its_depends(tmp_path):
    graph = make_graph(
        tmp_path,
        {
            "base": {},
            "x": {"depends": ["base"]},
            "y": {"depends": ["base"]},
            "bridge": {"depends": ["x", "y"], "auto_install": ["x"]},
        },
    )

    assert graph.plan_install(["y"], []) == ["base", "y"]
    assert graph.plan_install(["x"], []) == ["base", "x", "y", "bridge"]


def test_auto_install_true_with_no_depends_is_always_installed(tmp_path):
    graph = make_graph(tmp_path, {"base": {}, "always": {"auto_install": True}})

    assert graph.plan_install(["base"], []) == ["always", "base"]
    assert graph.plan_install([], ["base"]) == ["always"]
    assert graph.plan_install([], ["base", "always"]) == []


def test_a_non_installable_auto_install_addon_is_never_planned(tmp_path):
    graph = make_graph(
        tmp_path,
        {
            "base": {},
            "x": {"depends": ["base"]},
            "glue": {"depends": ["x"], "auto_install": True, "installable": False},
        },
    )

    assert graph.plan_install(["x"], []) == ["base", "x"]


# -- plan_upgrade ---------------------------------------------------------------


def test_plan_upgrade_adds_installed_dependents_in_install_order(graph):
    assert graph.plan_upgrade(["alpha"], AFTER_BETA) == ["alpha", "auto_ab", "gamma", "auto_list"]
    assert graph.plan_upgrade(["base"], AFTER_BETA) == AFTER_BETA
    assert graph.plan_upgrade(["auto_list"], AFTER_BETA) == ["auto_list"]


def test_plan_upgrade_leaves_out_dependents_that_are_not_installed(graph):
    assert graph.plan_upgrade(["alpha"], ["base", "alpha", "beta"]) == ["alpha"]


def test_plan_upgrade_of_an_addon_that_is_not_installed_is_an_error(graph):
    with pytest.raises(DependencyError, match="cannot upgrade addon 'broken': it is not installed"):
        graph.plan_upgrade(["broken"], AFTER_BETA)


# -- plan_uninstall -------------------------------------------------------------


def test_plan_uninstall_removes_installed_dependents_first(graph):
    assert graph.plan_uninstall(["alpha"], AFTER_BETA) == ["auto_list", "gamma", "auto_ab", "alpha"]
    assert graph.plan_uninstall(["base"], AFTER_BETA) == list(reversed(AFTER_BETA))
    assert graph.plan_uninstall(["gamma"], AFTER_BETA) == ["auto_list", "gamma"]


def test_plan_uninstall_leaves_unrelated_installed_addons_alone(graph):
    installed = ["base", "alpha", "beta", "hidden_x", "broken"]

    assert graph.plan_uninstall(["beta"], installed) == ["beta"]
    assert graph.plan_uninstall(["alpha", "hidden_x"], installed) == ["broken", "hidden_x", "alpha"]


def test_plan_uninstall_of_an_addon_that_is_not_installed_is_an_error(graph):
    with pytest.raises(DependencyError, match="cannot uninstall addon 'hidden_x': it is not installed"):
        graph.plan_uninstall(["hidden_x"], AFTER_BETA)


# -- errors ---------------------------------------------------------------------


@pytest.mark.parametrize("plan", ["plan_install", "plan_upgrade", "plan_uninstall"])
def test_an_unknown_addon_suggests_the_closest_known_name(graph, plan):
    with pytest.raises(DependencyError) as info:
        getattr(graph, plan)(["alpah"], AFTER_BETA)

    assert "unknown addon 'alpah'" in str(info.value)
    assert "did you mean: alpha?" in str(info.value)
    assert info.value.missing == {"(request)": ["alpah"]}


def test_an_unknown_addon_without_a_close_name_gets_no_suggestion(graph):
    with pytest.raises(DependencyError) as info:
        graph.plan_install(["zzzzzz"], [])

    assert "unknown addon 'zzzzzz'" in str(info.value)
    assert "did you mean" not in str(info.value)


def test_dependency_errors_are_kernel_errors():
    assert issubclass(DependencyError, KernelError)


def test_a_missing_dependency_names_who_needs_what(tmp_path):
    graph = make_graph(
        tmp_path,
        {"base": {}, "lonely": {"depends": ["base", "ghost"]}, "top": {"depends": ["lonely"]}},
    )

    for requested in (["lonely"], ["top"]):
        with pytest.raises(DependencyError) as info:
            graph.plan_install(requested, [])
        assert info.value.missing == {"lonely": ["ghost"]}
        assert "addon 'lonely' depends on 'ghost', which is not on the addons path" in str(info.value)


def test_several_missing_dependencies_are_all_listed(tmp_path):
    graph = make_graph(tmp_path, {"needy": {"depends": ["ghost", "phantom"]}})

    with pytest.raises(DependencyError) as info:
        graph.plan_install(["needy"], [])
    assert info.value.missing == {"needy": ["ghost", "phantom"]}
    assert "'ghost', 'phantom', which are not on the addons path" in str(info.value)


def test_an_addon_with_a_missing_dependency_does_not_block_unrelated_plans(tmp_path):
    graph = make_graph(tmp_path, {"base": {}, "lonely": {"depends": ["base", "ghost"]}})

    assert graph.plan_install(["base"], []) == ["base"]


def test_a_broken_manifest_is_refused_only_when_a_plan_needs_it(tmp_path):
    graph = make_graph(tmp_path, {"base": {}, "shop": {"depends": ["base"]}, "left": {"depends": ["base", "right"]},
                                  "right": {"depends": ["base"], "colour": "red"}})

    assert graph.plan_install(["shop"], []) == ["base", "shop"]
    assert graph.plan_upgrade(["shop"], ["base", "shop"]) == ["shop"]
    for requested, why in ((["right"], []), (["left"], ["addon 'left' depends on 'right'"])):
        with pytest.raises(ManifestError) as info:
            graph.plan_install(requested, [])
        assert info.value.key == "colour" and info.value.path == str(tmp_path / "right" / "__manifest__.py")
        assert getattr(info.value, "__notes__", []) == why


def test_a_two_addon_cycle_is_printed_and_carried(tmp_path):
    graph = make_graph(tmp_path, {"a": {"depends": ["b"]}, "b": {"depends": ["a"]}})

    with pytest.raises(DependencyError) as info:
        graph.plan_install(["a"], [])
    assert "dependency cycle: a -> b -> a" in str(info.value)
    assert info.value.cycle == ["a", "b", "a"]


def test_a_cycle_reached_through_another_addon_lists_only_the_cycle(tmp_path):
    graph = make_graph(
        tmp_path,
        {
            "entry": {"depends": ["a"]},
            "a": {"depends": ["b"]},
            "b": {"depends": ["c"]},
            "c": {"depends": ["a"]},
        },
    )

    with pytest.raises(DependencyError) as info:
        graph.plan_install(["entry"], [])
    assert info.value.cycle == ["a", "b", "c", "a"]
    assert "a -> b -> c -> a" in str(info.value)
    with pytest.raises(DependencyError, match="dependency cycle"):
        graph.order(["c"])


def test_requesting_a_non_installable_addon_is_an_error(graph):
    with pytest.raises(DependencyError) as info:
        graph.plan_install(["notinst"], [])

    assert "addon 'notinst' is not installable" in str(info.value)


def test_a_non_installable_dependency_names_the_addon_and_who_needs_it(graph):
    with pytest.raises(DependencyError) as info:
        graph.plan_install(["needs_notinst"], ["base"])

    message = str(info.value)
    assert "addon 'notinst' is not installable" in message
    assert "'needs_notinst' depend(s) on it" in message


def test_an_auto_install_addon_needing_a_non_installable_addon_is_an_error(tmp_path):
    graph = make_graph(
        tmp_path,
        {
            "base": {},
            "x": {"depends": ["base"]},
            "off": {"depends": ["base"], "installable": False},
            "bridge": {"depends": ["x", "off"], "auto_install": ["x"]},
        },
    )

    with pytest.raises(DependencyError) as info:
        graph.plan_install(["x"], [])
    assert "addon 'off' is not installable" in str(info.value)
    assert "'bridge' depend(s) on it" in str(info.value)


# -- the product's own addons ---------------------------------------------------


@pytest.fixture(scope="module")
def product_graph():
    return AddonGraph(discover([PRODUCT_ADDONS], entry_points=False))


def test_installing_partners_pulls_the_web_stack_in_order(product_graph):
    assert product_graph.plan_install(["partners"], []) == ["base", "web", "onboarding", "webx", "partners"]


def test_installing_purchase_and_sale_on_base_installs_just_those(product_graph):
    assert product_graph.plan_install(["core_purchase", "master_sale"], ["base"]) == ["core_purchase", "master_sale"]
