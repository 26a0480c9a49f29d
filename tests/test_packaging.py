"""The rules hassfest and the HACS action apply to the repository, checked locally.

GitHub runs both (validate.yml); these tests catch the same mistakes before a push, and a
few more of the same kind (a translation key used in the code but missing in en.json).
"""

from __future__ import annotations

import ast
import json
import re
import struct
from pathlib import Path
from typing import Any

import pytest
import voluptuous as vol
import yaml
from awesomeversion import AwesomeVersion, AwesomeVersionStrategy
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import selector

ROOT = Path(__file__).parents[1]
INTEGRATION = ROOT / "custom_components" / "robin"
DOMAIN = "robin"

# hassfest's CUSTOM_INTEGRATION_MANIFEST_SCHEMA (script/hassfest/manifest.py): the keys a custom
# integration's manifest may have; anything else is "extra keys not allowed".
MANIFEST_KEYS = {
    "domain",
    "name",
    "integration_type",
    "config_flow",
    "mqtt",
    "zeroconf",
    "ssdp",
    "bluetooth",
    "homekit",
    "dhcp",
    "usb",
    "documentation",
    "issue_tracker",
    "quality_scale",
    "requirements",
    "dependencies",
    "after_dependencies",
    "codeowners",
    "loggers",
    "disabled",
    "iot_class",
    "single_config_entry",
    "version",
    "import_executor",
}
MANIFEST_REQUIRED = {
    "domain",
    "name",
    "documentation",
    "issue_tracker",
    "codeowners",
    "version",
    "iot_class",
}
VERSION_STRATEGIES = [
    AwesomeVersionStrategy.CALVER,
    AwesomeVersionStrategy.SEMVER,
    AwesomeVersionStrategy.SIMPLEVER,
    AwesomeVersionStrategy.BUILDVER,
    AwesomeVersionStrategy.PEP440,
]
HACS_KEYS = {
    "name",
    "content_in_root",
    "zip_release",
    "filename",
    "hide_default_branch",
    "country",
    "homeassistant",
    "hacs",
    "persistent_directory",
}
# Every Integration Quality Scale rule (Bronze to Platinum), as listed in ha-guide.md §1.
IQS_RULES = {
    # Bronze
    "action-setup",
    "appropriate-polling",
    "brands",
    "common-modules",
    "config-flow-test-coverage",
    "config-flow",
    "dependency-transparency",
    "docs-actions",
    "docs-triggers",
    "docs-conditions",
    "docs-high-level-description",
    "docs-installation-instructions",
    "docs-removal-instructions",
    "entity-event-setup",
    "entity-unique-id",
    "has-entity-name",
    "runtime-data",
    "test-before-configure",
    "test-before-setup",
    "unique-config-entry",
    # Silver
    "action-exceptions",
    "config-entry-unloading",
    "docs-configuration-parameters",
    "docs-installation-parameters",
    "entity-unavailable",
    "integration-owner",
    "log-when-unavailable",
    "parallel-updates",
    "reauthentication-flow",
    "test-coverage",
    # Gold
    "devices",
    "diagnostics",
    "discovery-update-info",
    "discovery",
    "docs-data-update",
    "docs-examples",
    "docs-known-limitations",
    "docs-supported-devices",
    "docs-supported-functions",
    "docs-troubleshooting",
    "docs-use-cases",
    "dynamic-devices",
    "entity-category",
    "entity-device-class",
    "entity-disabled-by-default",
    "entity-translations",
    "exception-translations",
    "icon-translations",
    "reconfiguration-flow",
    "repair-issues",
    "stale-devices",
    # Platinum
    "async-dependency",
    "inject-websession",
    "strict-typing",
}
MDI_ICON = re.compile(r"^mdi:[a-z0-9]+(-[a-z0-9]+)*$")
PLACEHOLDER = re.compile(r"{(\w+)}")


def _json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return _json(INTEGRATION / "manifest.json")


@pytest.fixture(scope="module")
def strings() -> dict[str, Any]:
    return _json(INTEGRATION / "translations" / "en.json")


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    return yaml.safe_load((INTEGRATION / "services.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def icons() -> dict[str, Any]:
    return _json(INTEGRATION / "icons.json")


# -- the code, read as a syntax tree ----------------------------------------------------------


def _modules() -> dict[str, ast.Module]:
    return {
        path.relative_to(INTEGRATION).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in INTEGRATION.rglob("*.py")
    }


MODULES = _modules()


def _constants(tree: ast.Module) -> dict[str, str]:
    """Return a module's string constants (e.g. ISSUE_READ_ONLY_TOKEN)."""
    found: dict[str, str] = {}
    for node in tree.body:
        target = value = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        if (
            isinstance(target, ast.Name)
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
        ):
            found[target.id] = value.value
    return found


CONSTANTS = {name: value for tree in MODULES.values() for name, value in _constants(tree).items()}


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return CONSTANTS.get(node.id)
    return None


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _calls() -> list[tuple[str, ast.Call]]:
    return [
        (module, node)
        for module, tree in MODULES.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    ]


CALLS = _calls()

# The integration's own helpers that raise translated exceptions (bookings.py).
EXCEPTION_HELPERS = {"validation_error", "robin_failure"}


def _exceptions_used() -> list[tuple[str, str, set[str]]]:
    """Return (where, key, placeholder names) of every translated exception the code raises."""
    used = []
    for module, call in CALLS:
        keywords = {keyword.arg: keyword.value for keyword in call.keywords}
        where = f"{module}:{call.lineno}"
        if _callee(call) in EXCEPTION_HELPERS and call.args:
            key = _string(call.args[0])
            if key is not None:  # the helpers' own bodies pass a variable on
                used.append((where, key, {k.arg for k in call.keywords if k.arg}))
        elif "translation_domain" in keywords and (key := _string(keywords["translation_key"])):
            placeholders = keywords.get("translation_placeholders")
            names = (
                {_string(name) for name in placeholders.keys}
                if isinstance(placeholders, ast.Dict)
                else set()
            )
            used.append((where, key, {name for name in names if name}))
    return used


def _issues_used() -> list[str]:
    # Issues are raised through issues.async_set_entry_issue(hass, entry, KEY, ...), whose
    # key is also the translation key.
    return [
        key
        for _, call in CALLS
        if _callee(call) == "async_set_entry_issue"
        and len(call.args) >= 3
        and (key := _string(call.args[2]))
    ]


def _entity_keys_used() -> dict[str, set[str]]:
    """Return the translation keys of entity descriptions, by platform (= module name)."""
    used: dict[str, set[str]] = {}
    for module, call in CALLS:
        if not _callee(call).endswith("Description"):
            continue
        for keyword in call.keywords:
            if keyword.arg == "translation_key" and (key := _string(keyword.value)):
                used.setdefault(module.removesuffix(".py"), set()).add(key)
    return used


def _config_flow_keys(pattern: str) -> set[str]:
    """Return the keys the pattern finds in the config flow and its helper modules."""
    files = sorted(INTEGRATION.glob("config_flow*.py"))
    return {key for file in files for key in re.findall(pattern, file.read_text(encoding="utf-8"))}


# -- manifest.json ----------------------------------------------------------------------------


def test_manifest_has_the_keys_hassfest_and_hacs_require(manifest: dict[str, Any]) -> None:
    assert manifest.keys() >= MANIFEST_REQUIRED, MANIFEST_REQUIRED - manifest.keys()
    assert manifest.keys() <= MANIFEST_KEYS, manifest.keys() - MANIFEST_KEYS
    assert manifest["domain"] == INTEGRATION.name == DOMAIN
    assert all(isinstance(owner, str) and owner.startswith("@") for owner in manifest["codeowners"])
    assert manifest["codeowners"]
    for key in ("documentation", "issue_tracker"):
        assert manifest[key].startswith("https://"), key


def test_manifest_keys_are_sorted_like_hassfest_wants(manifest: dict[str, Any]) -> None:
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])


def test_manifest_declares_a_cloud_polling_hub_without_requirements(
    manifest: dict[str, Any],
) -> None:
    assert AwesomeVersion(manifest["version"], ensure_strategy=VERSION_STRATEGIES).valid
    assert manifest["integration_type"] == "hub"
    assert manifest["iot_class"] == "cloud_polling"
    assert manifest["config_flow"] is True
    assert manifest["requirements"] == []
    assert "quality_scale" not in manifest  # no effect for custom integrations


# -- hacs.json --------------------------------------------------------------------------------


def test_hacs_json_names_the_floor_home_assistant() -> None:
    hacs = _json(ROOT / "hacs.json")
    assert isinstance(hacs.get("name"), str)
    assert hacs["name"]
    assert hacs.keys() <= HACS_KEYS, hacs.keys() - HACS_KEYS
    floor = re.search(
        r"^homeassistant==(\d+)\.(\d+)\.",
        (ROOT / "requirements" / "floor.txt").read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    assert floor is not None
    assert hacs["homeassistant"] == f"{floor[1]}.{floor[2]}.0"


def test_the_repository_holds_exactly_one_integration() -> None:
    folders = [
        path.name
        for path in INTEGRATION.parent.iterdir()
        if path.is_dir() and not path.name.startswith("__")
    ]
    assert folders == [DOMAIN]  # HACS only manages the first folder


@pytest.mark.parametrize(
    "module", sorted(INTEGRATION.rglob("*.py")), ids=lambda path: str(path.relative_to(INTEGRATION))
)
def test_the_integration_is_valid_python_3_13(module: Path) -> None:
    """ha-guide.md: no 3.14-only syntax, such as `except A, B:` without parentheses."""
    ast.parse(module.read_text(encoding="utf-8"), str(module), feature_version=(3, 13))


def test_a_repairs_module_is_a_fix_flow_platform() -> None:
    # Home Assistant loads repairs.py as the integration's repairs platform; on 2026.3 one
    # without async_create_fix_flow makes the "Fix" of every integration's issues fail.
    module = INTEGRATION / "repairs.py"
    if not module.exists():
        return
    tree = ast.parse(module.read_text(encoding="utf-8"))
    defined = {node.name for node in tree.body if isinstance(node, ast.AsyncFunctionDef)}
    assert "async_create_fix_flow" in defined


# -- services.yaml ----------------------------------------------------------------------------

# hassfest's field schema without name/description: those live in the translations.
FIELD_SCHEMA = vol.Schema(
    {
        vol.Optional("example"): object,
        vol.Optional("default"): object,
        vol.Optional("required"): bool,
        vol.Optional("advanced"): bool,
        vol.Required("selector"): selector.validate_selector,
        vol.Optional("filter"): dict,
    }
)
SERVICE_SCHEMA = vol.Schema(
    {
        vol.Optional("target"): vol.Any(selector.TargetSelector.CONFIG_SCHEMA, None),
        vol.Optional("fields"): vol.Schema({str: FIELD_SCHEMA}),
    }
)
SERVICES_SCHEMA = vol.Schema({cv.slug: SERVICE_SCHEMA})


def test_services_yaml_is_valid_and_leaves_texts_to_translations(
    services: dict[str, Any],
) -> None:
    SERVICES_SCHEMA(services)  # raises on an unknown key, a bad selector or target


def test_every_service_and_field_has_a_name_and_description(
    services: dict[str, Any], strings: dict[str, Any]
) -> None:
    translated = strings["services"]
    assert set(translated) == set(services)
    for service, spec in services.items():
        assert translated[service].get("name"), service
        assert translated[service].get("description"), service
        fields = spec.get("fields", {})
        assert set(translated[service].get("fields", {})) == set(fields), service
        for field in fields:
            text = translated[service]["fields"][field]
            assert text.get("name"), f"{service}.{field}"
            assert text.get("description"), f"{service}.{field}"


def test_services_yaml_describes_exactly_the_registered_services(
    services: dict[str, Any],
) -> None:
    constants = _constants(MODULES["services.py"]).items()
    registered = {value for name, value in constants if name.startswith("SERVICE_")}
    assert set(services) == registered


# -- translations/en.json ---------------------------------------------------------------------


def _flow_steps(strings: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return every step of the config, options and subentry flows, by where it is."""
    steps = {
        f"{section}.{step}": spec
        for section in ("config", "options")
        for step, spec in strings[section]["step"].items()
    }
    for subentry, flow in strings.get("config_subentries", {}).items():
        for step, spec in flow["step"].items():
            steps[f"config_subentries.{subentry}.{step}"] = spec
    return steps


def test_every_config_flow_field_has_a_label(strings: dict[str, Any]) -> None:
    for where, spec in _flow_steps(strings).items():
        assert spec.get("title") or where.startswith("options."), where
        assert all(spec.get("data", {}).values()), where


def test_every_config_flow_field_has_a_description(strings: dict[str, Any]) -> None:
    # The quality scale's config-flow rule: a data_description for every field.
    for where, spec in _flow_steps(strings).items():
        labels = spec.get("data", {})
        descriptions = spec.get("data_description", {})
        assert set(descriptions) == set(labels), where
        assert all(descriptions.values()), where


def test_every_config_flow_step_shown_has_translations(strings: dict[str, Any]) -> None:
    steps = _config_flow_keys(r'async_show_form\(\s*step_id="(\w+)"')
    assert steps
    assert steps <= set(strings["config"]["step"]) | set(strings["options"]["step"])


def test_every_error_and_abort_reason_of_the_config_flow_is_translated(
    strings: dict[str, Any],
) -> None:
    # The checks' errors name their form error in a class attribute.
    checks = _config_flow_keys(r'error_key = "(\w+)"')
    errors = _config_flow_keys(r'errors\[[^\]]+\] = "(\w+)"') | checks
    aborts = _config_flow_keys(r'async_abort\(reason="(\w+)"\)')
    aborts |= _config_flow_keys(r'_abort_if_unique_id_mismatch\(reason="(\w+)"\)')
    aborts |= _config_flow_keys(r'AbortFlow\("(\w+)"\)')
    # Home Assistant's own: async_set_unique_id aborts a second flow for the same organization.
    aborts |= {
        "already_configured",
        "already_in_progress",
        "reauth_successful",
        "reconfigure_successful",
    }
    assert checks
    assert aborts
    assert errors <= set(strings["config"]["error"]), errors - set(strings["config"]["error"])
    # The locations step aborts with a failed check's key when the locations cannot be read
    # (the token and the organization were checked before: their keys cannot come up there).
    base_checks = checks - {"organization_not_found", "invalid_token_characters"}
    assert base_checks <= set(strings["config"]["abort"])
    assert aborts <= set(strings["config"]["abort"]), aborts - set(strings["config"]["abort"])


def test_every_exception_raised_is_translated_with_its_placeholders(
    strings: dict[str, Any],
) -> None:
    used = _exceptions_used()
    assert len(used) > 10
    messages = strings["exceptions"]
    for where, key, placeholders in used:
        assert key in messages, f"{where}: exceptions.{key} missing"
        expected = set(PLACEHOLDER.findall(messages[key]["message"]))
        assert placeholders == expected, f"{where}: {key} gets {placeholders}, needs {expected}"


def test_no_translation_is_left_unused(strings: dict[str, Any]) -> None:
    used = {key for _, key, _ in _exceptions_used()}
    assert set(strings["exceptions"]) <= used, set(strings["exceptions"]) - used
    assert set(strings.get("issues", {})) == set(_issues_used())


def test_every_issue_is_translated(strings: dict[str, Any]) -> None:
    issues = _issues_used()
    assert issues
    for key in issues:
        assert strings["issues"][key]["title"]
        assert strings["issues"][key]["description"]


def test_every_entity_translation_key_has_a_name(strings: dict[str, Any]) -> None:
    used = _entity_keys_used()
    assert set(used) == {"binary_sensor", "calendar", "sensor"}
    for platform, keys in used.items():
        assert keys == set(strings["entity"][platform]), platform
        for key in keys:
            assert strings["entity"][platform][key]["name"], f"{platform}.{key}"


def test_every_enum_sensor_state_is_translated(strings: dict[str, Any]) -> None:
    from custom_components.robin import sensor  # noqa: PLC0415 - imports Home Assistant

    enums = [
        description
        for description in sensor.ROOM_SENSORS + sensor.LOCATION_SENSORS
        if description.device_class == sensor.SensorDeviceClass.ENUM
    ]
    assert enums
    for description in enums:
        states = strings["entity"]["sensor"][description.translation_key]["state"]
        assert set(states) == set(description.options), description.key


def test_every_state_attribute_of_a_room_sensor_has_a_translated_name(
    strings: dict[str, Any],
) -> None:
    from custom_components.robin import sensor  # noqa: PLC0415 - imports Home Assistant
    from custom_components.robin.api import Space  # noqa: PLC0415

    room = Space(id=1, location_id=1, name="Thames Room", amenities=("Display",))
    with_attributes = [
        description for description in sensor.ROOM_SENSORS if description.attributes_fn
    ]
    assert with_attributes
    for description in with_attributes:
        assert description.attributes_fn is not None
        translated = strings["entity"]["sensor"][description.translation_key]["state_attributes"]
        assert set(translated) == set(description.attributes_fn(room)), description.key
        for attribute, texts in translated.items():
            assert texts["name"], f"{description.key}.{attribute}"


def test_translations_contain_no_empty_texts(strings: dict[str, Any]) -> None:
    def texts(node: Any, path: str) -> list[tuple[str, Any]]:
        if isinstance(node, dict):
            return [item for key, value in node.items() for item in texts(value, f"{path}.{key}")]
        return [(path, node)]

    empty = [path for path, text in texts(strings, "") if not (isinstance(text, str) and text)]
    assert empty == []


# -- icons.json -------------------------------------------------------------------------------


def test_every_entity_and_service_has_an_icon(
    icons: dict[str, Any], services: dict[str, Any]
) -> None:
    used = _entity_keys_used()
    for platform, keys in used.items():
        assert set(icons["entity"][platform]) == keys, platform
    assert set(icons["services"]) == set(services)
    assert all(set(icon) == {"service"} for icon in icons["services"].values())


def test_icons_are_mdi_names_and_states_exist(
    icons: dict[str, Any], strings: dict[str, Any]
) -> None:
    for platform, entities in icons["entity"].items():
        for key, icon in entities.items():
            assert set(icon) <= {"default", "state", "range"}, f"{platform}.{key}"
            assert MDI_ICON.match(icon["default"]), f"{platform}.{key}"
            for state, name in icon.get("state", {}).items():
                assert MDI_ICON.match(name), f"{platform}.{key}.{state}"
                if platform == "sensor":
                    assert state in strings["entity"]["sensor"][key]["state"], state
    for service, icon in icons["services"].items():
        assert MDI_ICON.match(icon["service"]), service


# -- brand/ -----------------------------------------------------------------------------------


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    assert header[12:16] == b"IHDR", path.name
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize("theme", ["", "dark_"])
def test_brand_images_have_the_sizes_of_the_brands_spec(theme: str) -> None:
    brand = INTEGRATION / "brand"
    assert _png_size(brand / f"{theme}icon.png") == (256, 256)
    assert _png_size(brand / f"{theme}icon@2x.png") == (512, 512)
    assert 128 <= min(_png_size(brand / f"{theme}logo.png")) <= 256
    assert 256 <= min(_png_size(brand / f"{theme}logo@2x.png")) <= 512


# -- quality_scale.yaml -----------------------------------------------------------------------


def test_quality_scale_lists_every_rule_and_explains_exemptions() -> None:
    rules = yaml.safe_load((INTEGRATION / "quality_scale.yaml").read_text(encoding="utf-8"))[
        "rules"
    ]
    assert set(rules) == IQS_RULES, set(rules) ^ IQS_RULES
    for rule, value in rules.items():
        status = value["status"] if isinstance(value, dict) else value
        assert status in {"done", "todo", "exempt"}, rule
        if status == "exempt":
            assert isinstance(value, dict), rule
            assert value.get("comment"), f"{rule} is exempt without a comment"
