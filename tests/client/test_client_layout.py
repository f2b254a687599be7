"""rasa_sdk imports every module under actions/ with pkgutil.walk_packages, which also imports each
sub-package by its BARE name. A package named like an installed top-level package (``fhir`` of
fhir.resources) makes the action server exit at start-up; these tests keep the client's layout safe."""
import importlib.util
import pkgutil

import actions
import actions.argonaut
import actions.fhir


def test_public_name_is_a_module_not_a_package():
    assert not hasattr(actions.fhir, "__path__")
    assert actions.fhir.ArgonautClient is actions.argonaut.ArgonautClient
    for name in actions.argonaut.__all__:
        assert getattr(actions.fhir, name) is getattr(actions.argonaut, name)


def test_client_packages_have_no_top_level_namesake():
    mine = {"argonaut"}
    found = {m.name for m in pkgutil.iter_modules(actions.__path__) if m.ispkg}
    assert mine <= found
    for name in mine:
        assert importlib.util.find_spec(name) is None, name


def test_rasa_sdk_style_import_of_the_client_modules():
    from rasa_sdk.executor import ActionExecutor

    ex = ActionExecutor()
    ex._import_submodules("actions.argonaut")
    ex._import_module("actions.fhir")
    ex._import_module("actions.formatting")
