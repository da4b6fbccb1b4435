"""The OpenAPI document as the fuzzers see it: every operation with its parameters and request body resolved."""

import re
from dataclasses import dataclass, field

METHODS = ("get", "put", "post", "patch", "delete")


@dataclass
class Operation:
    method: str
    path: str
    operation_id: str
    parameters: list  # resolved parameter objects (path-level ones included)
    body_schema: dict | None
    public: bool  # security: [] (no token needed)
    raw: dict = field(repr=False, default_factory=dict)

    @property
    def label(self):
        return f"{self.method.upper()} {self.path}"

    def path_params(self):
        return [p for p in self.parameters if p["in"] == "path"]


class Document:
    def __init__(self, data):
        self.data = data
        self.components = data.get("components", {})

    def resolve(self, node, depth=0):
        while isinstance(node, dict) and "$ref" in node and depth < 50:
            parts = node["$ref"].lstrip("#/").split("/")
            target = self.data
            for part in parts:
                target = target[part]
            node = target
            depth += 1
        return node

    def operations(self):
        out = []
        for path, item in self.data.get("paths", {}).items():
            shared = [self.resolve(p) for p in item.get("parameters", [])]
            for method in METHODS:
                if method not in item:
                    continue
                raw = item[method]
                own = [self.resolve(p) for p in raw.get("parameters", [])]
                names = {(p["in"], p["name"]) for p in own}
                parameters = own + [p for p in shared if (p["in"], p["name"]) not in names]
                body = raw.get("requestBody")
                body_schema = None
                if body:
                    content = self.resolve(body).get("content", {})
                    media = content.get("application/json") or next(iter(content.values()), {})
                    body_schema = media.get("schema", {})
                public = raw.get("security", self.data.get("security")) == []
                out.append(Operation(method, path, raw.get("operationId") or f"{method}{path}", parameters, body_schema, public, raw))
        return out


def fill_path(path, values):
    return re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), path)
