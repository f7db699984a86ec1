"""What infra/ deploys, read from the parsed Bicep, for comparison with the code.

``bicep_facts()`` parses ``infra/main.bicep`` and its modules with pycep-parser
and evaluates the few expressions that carry names the code relies on (loops
over ``leadGroupIds``, string interpolation, ``concat``, parameters passed from
``main.bicep`` into a module, parameter defaults). It returns plain data::

    {
      "topic": {"name", "requires_duplicate_detection", "duplicate_detection_window_seconds"},
      "subscriptions": {name: {"sql_filter", "rule_name", "max_delivery_count",
                               "lock_duration_seconds", "dead_lettering_on_message_expiration",
                               "default_ttl_seconds"}},
      "lead_group_ids": [...],                 # main.bicep's leadGroupIds default
      "teams_webhooks": [{group, setting, secretName}],   # main.bicep's teamsWebhooks default
      "key_vault_references": {setting: "@Microsoft.KeyVault(SecretUri=...)"},  # with a stand-in vault URI
      "key_vault": {"enable_rbac_authorization", "access_policies", "enable_soft_delete"},
      "cosmos_database": "fta",
      "containers": {name: {"partition_key", "default_ttl"}},   # default_ttl None: TTL off
      "app_settings": {name: value},           # value None where it comes from another resource
      "service_bus_connection": "ServiceBusConnection",
      "function_app": {"runtime", "runtime_version", "plan_sku", "https_only", ...},
      "auth": {"require_authentication", "unauthenticated_client_action", "excluded_paths", ...},
      "role_definition_ids": [...],
      "storage", "service_bus", "cosmos", "app_insights": {...},  # how each accepts callers
    }

pycep returns a bare identifier and a quoted string alike (both ``str``); a
string is read as a reference only when it names a loop variable, ``var`` or
``param`` in scope, so a literal that happens to equal such a name would be
misread. Keep literals and declared names distinct in infra/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from pycep import BicepParser

REPO_ROOT = Path(__file__).resolve().parents[2]
INFRA_DIR = REPO_ROOT / "infra"
MAIN_BICEP = INFRA_DIR / "main.bicep"

TOPIC_TYPE = "Microsoft.ServiceBus/namespaces/topics"
SUBSCRIPTION_TYPE = "Microsoft.ServiceBus/namespaces/topics/subscriptions"
RULE_TYPE = "Microsoft.ServiceBus/namespaces/topics/subscriptions/rules"
DATABASE_TYPE = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases"
CONTAINER_TYPE = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers"
STORAGE_TYPE = "Microsoft.Storage/storageAccounts"
NAMESPACE_TYPE = "Microsoft.ServiceBus/namespaces"
COSMOS_ACCOUNT_TYPE = "Microsoft.DocumentDB/databaseAccounts"
APP_INSIGHTS_TYPE = "Microsoft.Insights/components"
SITE_TYPE = "Microsoft.Web/sites"
PLAN_TYPE = "Microsoft.Web/serverfarms"
SITE_CONFIG_TYPE = "Microsoft.Web/sites/config"
ROLE_ASSIGNMENT_TYPE = "Microsoft.Authorization/roleAssignments"
COSMOS_ROLE_ASSIGNMENT_TYPE = "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments"
KEY_VAULT_TYPE = "Microsoft.KeyVault/vaults"
# A vault URI of the shape Azure gives (modules/keyvault.bicep vaultUri), to read
# the Key Vault references of the Teams webhook settings.
KEY_VAULT_URI_STAND_IN = "https://kv-example.vault.azure.net/"

FULLY_QUALIFIED_NAMESPACE_SUFFIX = "__fullyQualifiedNamespace"


class Unresolvable(ValueError):
    """An expression whose value is known only at deployment (or not handled here)."""


def bicep_files(infra_dir: Path = INFRA_DIR) -> list[Path]:
    return sorted(infra_dir.rglob("*.bicep"))


@lru_cache(maxsize=None)
def parse_bicep(path: Path) -> dict:
    return BicepParser().parse(file_path=path)


# --- a small evaluator for the expressions pycep hands back -----------------

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", "'": "'", "$": "$"}


@dataclass
class Scope:
    """One Bicep file, the arguments its params receive and any loop variables.

    ``lenient``: a value known only at deployment becomes None inside an object
    or array instead of failing the whole evaluation.
    """

    doc: dict
    path: Path
    arguments: dict[str, tuple[Any, "Scope"]] = field(default_factory=dict)  # param -> (expression, caller)
    bindings: dict[str, Any] = field(default_factory=dict)
    modules: dict[str, "Scope"] = field(default_factory=dict)  # main.bicep: module symbol -> its scope
    lenient: bool = False

    def bind(self, **values: Any) -> "Scope":
        return replace(self, bindings={**self.bindings, **values})

    def with_leniency(self, lenient: bool) -> "Scope":
        return self if self.lenient == lenient else replace(self, lenient=lenient)

    def lookup(self, name: str) -> Any:
        if name in self.bindings:
            return self.bindings[name]
        variables = self.doc.get("variables", {})
        if name in variables:
            return evaluate(variables[name]["value"], self)
        parameters = self.doc.get("parameters", {})
        if name in parameters:
            if name in self.arguments:
                expression, caller = self.arguments[name]
                return evaluate(expression, caller.with_leniency(self.lenient))
            default = parameters[name].get("default")
            if default is None:
                raise Unresolvable(f"{self.path.name}: param {name} has no default and no argument")
            return evaluate(default, self)
        raise KeyError(name)

    def declares(self, name: str) -> bool:
        return (
            name in self.bindings
            or name in self.doc.get("variables", {})
            or name in self.doc.get("parameters", {})
        )

    def symbol_property(self, head: str, keys: list[Any]) -> Any:
        """``<resource>.name`` and ``<module>.outputs.<name>``: the rest is known at deployment."""
        resource = self.doc.get("resources", {}).get(head)
        if resource is not None and keys[:1] == ["name"] and "loop_type" not in resource["config"]:
            return _index(evaluate(resource["config"]["name"], self), keys[1:])
        module = self.modules.get(head)
        if module is not None and keys[:1] == ["outputs"] and len(keys) >= 2:
            output = module.doc.get("outputs", {}).get(keys[1])
            if output is None:
                raise AssertionError(f"module {head} has no output {keys[1]}")
            return _index(evaluate(output["value"], module.with_leniency(self.lenient)), keys[2:])
        raise Unresolvable(f"{self.path.name}: {'.'.join(map(str, [head, *keys]))} is known at deployment")


def evaluate(node: Any, scope: Scope) -> Any:
    if isinstance(node, str):
        if _IDENTIFIER.match(node) and scope.declares(node):
            return scope.lookup(node)
        return _interpolate(node, scope)
    if node is None or isinstance(node, (bool, int, float)):
        return node
    if isinstance(node, list):
        return [_element(item, scope) for item in node]
    if isinstance(node, dict):
        if "loop_type" in node:
            return _expand_loop(node, scope)
        if set(node) == {"operator"}:
            return _operator(node["operator"], scope)
        if set(node) == {"function"}:
            return _function(node["function"], scope)
        return {_key(key, scope): _element(value, scope) for key, value in node.items()}
    raise Unresolvable(f"unexpected node {node!r}")


def _key(key: str, scope: Scope) -> str:
    """Object keys arrive as written: quoted ones keep their quotes."""
    if len(key) >= 2 and key[0] == key[-1] == "'":
        return _interpolate(key[1:-1], scope)
    return key


def _element(node: Any, scope: Scope) -> Any:
    try:
        return evaluate(node, scope)
    except Unresolvable:
        if scope.lenient:
            return None
        raise


def _interpolate(text: str, scope: Scope) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(_ESCAPES.get(text[i + 1], text[i + 1]))
            i += 2
        elif text.startswith("${", i):
            end = text.index("}", i)
            out.append(str(_path(text[i + 2 : end].strip(), scope)))
            i = end + 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _path(expression: str, scope: Scope) -> Any:
    head, *keys = expression.split(".")
    if not _IDENTIFIER.match(head):
        raise Unresolvable(f"{scope.path.name}: cannot evaluate ${{{expression}}}")
    return _reference(head, keys, scope)


def _reference(head: str, keys: list[Any], scope: Scope) -> Any:
    if scope.declares(head):
        return _index(scope.lookup(head), keys)
    return scope.symbol_property(head, keys)


def _index(value: Any, keys: list[Any]) -> Any:
    for key in keys:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            raise Unresolvable(f"no {key!r} in {value!r}") from None
    return value


def _accessor_chain(node: Any) -> list[Any]:
    """a.b.c arrives right-nested: accessor(a, accessor(b, c))."""
    if isinstance(node, dict) and set(node) == {"operator"} and node["operator"]["type"] == "property_accessor":
        operands = node["operator"]["operands"]
        return [operands["operand_1"], *_accessor_chain(operands["operand_2"])]
    if isinstance(node, str):
        return [node]
    raise Unresolvable(f"unexpected property access {node!r}")


def _operator(operator: dict, scope: Scope) -> Any:
    kind, operands = operator["type"], operator["operands"]
    if kind == "property_accessor":
        head, *keys = _accessor_chain({"operator": operator})
        if not isinstance(head, str):
            raise Unresolvable(f"{scope.path.name}: cannot evaluate {operator!r}")
        return _reference(head, keys, scope)
    if kind == "index_accessor":
        return _index(evaluate(operands["operand_1"], scope), [evaluate(operands["operand_2"], scope)])
    if kind == "minus":
        return -evaluate(operands["integer_value"], scope)
    if kind == "not":
        return not evaluate(operands["bool_value"], scope)
    if kind == "equals":
        return evaluate(operands["operand_1"], scope) == evaluate(operands["operand_2"], scope)
    if kind == "not_equals":
        return evaluate(operands["operand_1"], scope) != evaluate(operands["operand_2"], scope)
    if kind == "conditional":
        chosen = "true_value" if evaluate(operands["condition"], scope) else "false_value"
        return evaluate(operands[chosen], scope)
    raise Unresolvable(f"{scope.path.name}: operator {kind} is not evaluated here")


def _function(function: dict, scope: Scope) -> Any:
    kind = function["type"]
    args = [evaluate(value, scope) for value in function["parameters"].values()]
    if kind == "concat":
        if all(isinstance(arg, list) for arg in args):
            return [item for arg in args for item in arg]
        return "".join(str(arg) for arg in args)
    if kind == "union" and all(isinstance(arg, dict) for arg in args):
        merged: dict = {}
        for arg in args:
            merged.update(arg)
        return merged
    if kind == "string":
        (value,) = args
        return str(value).lower() if isinstance(value, bool) else str(value)
    if kind == "empty":
        (value,) = args
        return not value
    raise Unresolvable(f"{scope.path.name}: function {kind}() is not evaluated here")


def _expand_loop(loop: dict, scope: Scope) -> list:
    if loop.get("condition") is not None:
        raise Unresolvable(f"{scope.path.name}: filtered loops are not evaluated here")
    kind, detail = loop["loop_type"]["type"], loop["loop_type"]["detail"]
    if kind not in ("array", "array_index"):
        raise Unresolvable(f"{scope.path.name}: {kind} loops are not evaluated here")
    items = evaluate(detail["array_name"], scope)
    expanded = []
    for index, item in enumerate(items):
        names = {detail["item_name"]: item}
        if kind == "array_index":
            names[detail["index_name"]] = index
        expanded.append(evaluate(loop["config"], scope.bind(**names)))
    return expanded


# --- the deployment: main.bicep and the modules it calls ----------------------


@dataclass(frozen=True)
class Resource:
    symbol: str
    type: str
    body: dict  # the resource's object; for a loop, the loop node
    scope: Scope

    @property
    def is_loop(self) -> bool:
        return "loop_type" in self.body

    def instances(self) -> list[dict]:
        """Every instance's evaluated body (one for a plain resource)."""
        return _expand_loop(self.body, self.scope) if self.is_loop else [self.evaluated()]

    def evaluated(self) -> dict:
        return {key: _maybe(value, self.scope) for key, value in self.body.items()}

    def get(self, *keys: str) -> Any:
        return evaluate(_index(self.body, list(keys)), self.scope)


def _maybe(node: Any, scope: Scope) -> Any:
    """Evaluate leniently: None wherever the value exists only at deployment."""
    try:
        return evaluate(node, scope.with_leniency(True))
    except Unresolvable:
        return None


def deployment_scopes(main: Path = MAIN_BICEP) -> list[Scope]:
    """main.bicep's scope, then one scope per module call with its arguments bound."""
    main_scope = Scope(parse_bicep(main), main)
    for symbol, module in main_scope.doc.get("modules", {}).items():
        if module.get("type") != "local":
            raise AssertionError(f"module {symbol}: only local modules are read here")
        body = module["config"]
        if "loop_type" in body or "condition" in body:
            raise AssertionError(f"module {symbol}: loops and conditions are not read here")
        path = (main.parent / module["detail"]["path"]).resolve()
        arguments = {name: (expression, main_scope) for name, expression in body.get("params", {}).items()}
        main_scope.modules[symbol] = Scope(parse_bicep(path), path, arguments)
    return [main_scope, *main_scope.modules.values()]


def resources(scopes: list[Scope], resource_type: str) -> list[Resource]:
    found = []
    for scope in scopes:
        for symbol, resource in scope.doc.get("resources", {}).items():
            if resource["type"] == resource_type and not resource.get("existing"):
                found.append(Resource(symbol, resource["type"], resource["config"], scope))
    return found


def only(scopes: list[Scope], resource_type: str, name: str | None = None) -> Resource:
    found = [
        r for r in resources(scopes, resource_type) if name is None or (not r.is_loop and r.get("name") == name)
    ]
    if len(found) != 1:
        raise AssertionError(f"expected one {resource_type}{f' named {name}' if name else ''}, found {len(found)}")
    return found[0]


_DURATION = re.compile(r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?$")


def iso_duration_seconds(text: str) -> int:
    match = _DURATION.match(text)
    if not match or text in ("P", "PT"):
        raise ValueError(f"not a simple ISO 8601 duration: {text!r}")
    parts = {k: int(v or 0) for k, v in match.groupdict().items()}
    return ((parts["d"] * 24 + parts["h"]) * 60 + parts["m"]) * 60 + parts["s"]


def _subscriptions(scopes: list[Scope]) -> dict[str, dict]:
    subscription = only(scopes, SUBSCRIPTION_TYPE)
    rule = only(scopes, RULE_TYPE)
    if not (subscription.is_loop and rule.is_loop):
        raise AssertionError("subscriptions and their rules are expected as loops over one list")
    if subscription.body["loop_type"]["detail"]["array_name"] != rule.body["loop_type"]["detail"]["array_name"]:
        raise AssertionError("subscriptions and rules loop over different lists")
    parent = rule.body["config"]["parent"]["operator"]
    if parent["type"] != "index_accessor" or parent["operands"]["operand_1"] != subscription.symbol:
        raise AssertionError(f"each rule's parent must be {subscription.symbol}[i]")

    facts = {}
    for sub, sub_rule in zip(subscription.instances(), rule.instances(), strict=True):
        properties = sub["properties"]
        filter_properties = sub_rule["properties"]
        if filter_properties["filterType"] != "SqlFilter":
            raise AssertionError(f"subscription {sub['name']}: filterType {filter_properties['filterType']}")
        facts[sub["name"]] = {
            "sql_filter": filter_properties["sqlFilter"]["sqlExpression"],
            "rule_name": sub_rule["name"],
            "max_delivery_count": properties["maxDeliveryCount"],
            "lock_duration_seconds": iso_duration_seconds(properties["lockDuration"]),
            "dead_lettering_on_message_expiration": properties["deadLetteringOnMessageExpiration"],
            "default_ttl_seconds": iso_duration_seconds(properties["defaultMessageTimeToLive"]),
        }
    return facts


def _containers(scopes: list[Scope]) -> dict[str, dict]:
    facts = {}
    for container in only(scopes, CONTAINER_TYPE).instances():
        body = container["properties"]["resource"]
        if body["id"] != container["name"]:
            raise AssertionError(f"container {container['name']}: resource id {body['id']}")
        (partition_key,) = body["partitionKey"]["paths"]
        facts[container["name"]] = {
            "partition_key": partition_key,
            "default_ttl": body.get("defaultTtl"),
            "indexing_policy": body.get("indexingPolicy"),
        }
    return facts


def _setting_entries(node: Any, scope: Scope) -> list[tuple[str, Any]]:
    """(name, value) of each app setting: a literal list, or concat() of lists and loops."""
    if isinstance(node, list):
        return [(evaluate(entry["name"], scope), _maybe(entry["value"], scope)) for entry in node]
    if isinstance(node, dict) and set(node) == {"function"} and node["function"]["type"] == "concat":
        return [pair for part in node["function"]["parameters"].values() for pair in _setting_entries(part, scope)]
    return [(entry["name"], entry["value"]) for entry in evaluate(node, scope.with_leniency(True))]


def _app_settings(site: Resource, scope: Scope | None = None) -> dict[str, Any]:
    settings = {}
    for name, value in _setting_entries(site.body["properties"]["siteConfig"]["appSettings"], scope or site.scope):
        if name in settings:
            raise AssertionError(f"app setting {name} is set twice")
        settings[name] = value
    return settings


def bicep_facts(main: Path = MAIN_BICEP) -> dict[str, Any]:
    scopes = deployment_scopes(main)
    topic = only(scopes, TOPIC_TYPE).evaluated()
    site = only(scopes, SITE_TYPE)
    site_body = site.evaluated()
    plan = only(scopes, PLAN_TYPE).evaluated()
    auth = only(scopes, SITE_CONFIG_TYPE, "authsettingsV2").evaluated()["properties"]
    app_settings = _app_settings(site)
    connections = [
        name.removesuffix(FULLY_QUALIFIED_NAMESPACE_SUFFIX)
        for name in app_settings
        if name.endswith(FULLY_QUALIFIED_NAMESPACE_SUFFIX) and not name.startswith("AzureWebJobsStorage")
    ]
    if len(connections) != 1:
        raise AssertionError(f"expected one Service Bus connection setting, found {connections}")

    with_vault = _app_settings(site, site.scope.bind(keyVaultUri=KEY_VAULT_URI_STAND_IN))
    key_vault_references = {name: value for name, value in with_vault.items()
                            if isinstance(value, str) and value.startswith("@Microsoft.KeyVault(")}
    vault = only(scopes, KEY_VAULT_TYPE).evaluated()

    storage = only(scopes, STORAGE_TYPE).evaluated()
    namespace = only(scopes, NAMESPACE_TYPE).evaluated()
    cosmos = only(scopes, COSMOS_ACCOUNT_TYPE).evaluated()
    app_insights_resource = only(scopes, APP_INSIGHTS_TYPE)
    app_insights = app_insights_resource.evaluated()

    main_scope = scopes[0]
    function_app_config = site_body["properties"]["functionAppConfig"]
    site_config = site_body["properties"]["siteConfig"]
    aad = auth["identityProviders"]["azureActiveDirectory"]
    role_ids = [
        _role_guid(assignment.body["properties"]["roleDefinitionId"], assignment.scope)
        for assignment in resources(scopes, ROLE_ASSIGNMENT_TYPE) + resources(scopes, COSMOS_ROLE_ASSIGNMENT_TYPE)
    ]
    return {
        "topic": {
            "name": topic["name"],
            "requires_duplicate_detection": topic["properties"]["requiresDuplicateDetection"],
            "duplicate_detection_window_seconds": iso_duration_seconds(
                topic["properties"]["duplicateDetectionHistoryTimeWindow"]
            ),
        },
        "subscriptions": _subscriptions(scopes),
        "lead_group_ids": main_scope.lookup("leadGroupIds"),
        "teams_webhooks": main_scope.lookup("teamsWebhooks"),
        "key_vault_references": key_vault_references,
        "key_vault": {
            "enable_rbac_authorization": vault["properties"]["enableRbacAuthorization"],
            "access_policies": vault["properties"].get("accessPolicies", []),
            "enable_soft_delete": vault["properties"]["enableSoftDelete"],
        },
        "cosmos_database": only(scopes, DATABASE_TYPE).get("name"),
        "containers": _containers(scopes),
        "app_settings": app_settings,
        "service_bus_connection": connections[0],
        "function_app": {
            "kind": site_body["kind"],
            "identity": site_body["identity"]["type"],
            "https_only": site_body["properties"]["httpsOnly"],
            "runtime": function_app_config["runtime"]["name"],
            "runtime_version": function_app_config["runtime"]["version"],
            "deployment_storage_authentication": function_app_config["deployment"]["storage"]["authentication"][
                "type"
            ],
            "plan_sku": plan["sku"]["name"],
            "min_tls_version": site_config["minTlsVersion"],
            "ftps_state": site_config["ftpsState"],
            "cors_allowed_origins": site_config["cors"]["allowedOrigins"],
            "tags": site_body["tags"],
        },
        "auth": {
            "enabled": auth["platform"]["enabled"],
            "require_authentication": auth["globalValidation"]["requireAuthentication"],
            "unauthenticated_client_action": auth["globalValidation"]["unauthenticatedClientAction"],
            "excluded_paths": auth["globalValidation"].get("excludedPaths", []),
            "provider_enabled": aad["enabled"],
        },
        "role_definition_ids": sorted(role_ids),
        "storage": {
            "allow_shared_key_access": storage["properties"]["allowSharedKeyAccess"],
            "allow_blob_public_access": storage["properties"]["allowBlobPublicAccess"],
            "minimum_tls_version": storage["properties"]["minimumTlsVersion"],
            "https_only": storage["properties"]["supportsHttpsTrafficOnly"],
        },
        "service_bus": {
            "sku": namespace["sku"]["name"],
            "disable_local_auth": namespace["properties"]["disableLocalAuth"],
            "minimum_tls_version": namespace["properties"]["minimumTlsVersion"],
        },
        "cosmos": {
            "capabilities": [c["name"] for c in cosmos["properties"]["capabilities"]],
            "disable_local_auth": cosmos["properties"]["disableLocalAuth"],
            "minimal_tls_version": cosmos["properties"]["minimalTlsVersion"],
        },
        "app_insights": {
            "disable_local_auth": app_insights["properties"]["DisableLocalAuth"],
            "workspace": _referenced_type(
                app_insights_resource.body["properties"]["WorkspaceResourceId"], app_insights_resource.scope
            ),
        },
    }


def _referenced_type(node: Any, scope: Scope) -> str:
    """The type of the resource whose property ``node`` reads (``workspace.id``)."""
    head, *_ = _accessor_chain(node)
    resource = scope.doc.get("resources", {}).get(head)
    if resource is None:
        raise Unresolvable(f"{scope.path.name}: {head!r} is not a resource of this file")
    return resource["type"]


_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _role_guid(node: Any, scope: Scope) -> str:
    """The role definition GUID inside a roleDefinitionId expression: a literal or a var."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            names = [value] if _IDENTIFIER.match(value) else re.findall(r"\$\{\s*([A-Za-z_]\w*)\s*\}", value)
            for name in names:
                if scope.declares(name):
                    resolved = _maybe(name, scope)
                    if isinstance(resolved, str):
                        found.update(_GUID.findall(resolved))
            found.update(_GUID.findall(value))

    walk(node)
    if len(found) != 1:
        raise Unresolvable(f"{scope.path.name}: roleDefinitionId {node!r} names {sorted(found)}")
    return found.pop()
