#!/usr/bin/env python3
"""Expands template.yaml the way a deploy does, for SamTransformTest.

Reads a JSON request on stdin:
  {"template": "template.yaml", "artifactRoot": ".", "region": "eu-west-1",
   "variants": [{"name": "a", "parameters": {"OperatorEmail": "x@example.org"},
                 "codeKeys": {"functions/notifier/target/notifier.zip": "k"}}]}
and prints {"samTranslatorVersion": "...", "results": {"a": <expanded CloudFormation template>}}.

Per variant, in CloudFormation's order:
  1. sam package: every local CodeUri becomes s3://<bucket>/<md5 of the zip> (codeKeys, by CodeUri, stand in
     for a zip with other contents);
  2. AWS::LanguageExtensions, when the template declares it: parameter references in Resources and Outputs are
     resolved to their values (Ref, Fn::Sub, Fn::If, Fn::Select, Fn::Split, Fn::Equals, Fn::Not); Globals and
     references to resources are left alone, as CloudFormation leaves them;
  3. the AWS::Serverless-2016-10-31 transform by samtranslator (the aws-sam-translator package cfn-lint uses).
"""
import copy
import hashlib
import json
import os
import re
import sys

try:
    import samtranslator
    from samtranslator.parser import parser
    from samtranslator.translator.translator import Translator
    from samtranslator.yaml_helper import yaml_parse
except ImportError as e:  # the Java test shows this text as the failure
    sys.exit(f"samtranslator is not importable by {sys.executable} ({e}); install aws-sam-translator==1.110.0 "
             "beside cfn-lint (pip install cfn-lint aws-sam-translator==1.110.0)")

LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
ARTIFACT_BUCKET = "privacysuite-deploy-artifacts"
SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class Unresolved(Exception):
    """A value only CloudFormation knows at deploy time (a resource, an attribute)."""


def managed_policies():
    try:
        from cfnlint.data import Serverless
        from cfnlint.helpers import load_resource
        return load_resource(Serverless, "ManagedPolicies.json")
    except ImportError:
        return {}


def package(template, artifact_root, code_keys):
    for logical_id, resource in template.get("Resources", {}).items():
        props = resource.get("Properties") or {}
        if resource.get("Type") != "AWS::Serverless::Function" or not isinstance(props.get("CodeUri"), str):
            continue
        key = code_keys.get(props["CodeUri"])
        if key is None:
            path = os.path.join(artifact_root, props["CodeUri"])
            if not os.path.isfile(path):
                sys.exit(f"{logical_id}: {path} is missing; build the functions first (./mvnw -B package)")
            with open(path, "rb") as f:
                key = hashlib.md5(f.read()).hexdigest()  # noqa: S324 - sam package names uploads this way
        props["CodeUri"] = f"s3://{ARTIFACT_BUCKET}/{key}"


class LanguageExtensions:
    def __init__(self, template, parameters):
        self.parameters = parameters
        self.conditions = template.get("Conditions", {})

    def apply(self, template):
        for section in ("Resources", "Outputs"):
            if section in template:
                template[section] = self.walk(template[section])

    def walk(self, node):
        if isinstance(node, dict):
            if len(node) == 1:
                (key, arg), = node.items()
                if key == "Ref" or key.startswith("Fn::"):
                    try:
                        return self.function(key, arg)
                    except Unresolved:
                        return {key: self.walk(arg)}
            out = {}
            for key, value in node.items():
                resolved = self.walk(value)
                if resolved != {"Ref": "AWS::NoValue"}:
                    out[key] = resolved
            return out
        if isinstance(node, list):
            return [v for v in (self.walk(item) for item in node) if v != {"Ref": "AWS::NoValue"}]
        return node

    def value(self, node):
        """The literal value of node, or Unresolved."""
        resolved = self.walk(node)
        if isinstance(resolved, dict) and resolved != {"Ref": "AWS::NoValue"}:
            raise Unresolved()
        return resolved

    def function(self, key, arg):
        if key == "Ref":
            if arg in self.parameters:
                return self.parameters[arg]
            if arg == "AWS::NoValue":
                return {"Ref": "AWS::NoValue"}
            raise Unresolved()
        if key == "Fn::Sub":
            text, variables = (arg[0], arg[1]) if isinstance(arg, list) else (arg, {})
            unresolved = {}

            def replace(match):
                name = match.group(1)
                try:
                    if name in variables:
                        return str(self.value(variables[name]))
                    if name in self.parameters:
                        return str(self.parameters[name])
                except Unresolved:
                    pass
                if name in variables:
                    unresolved[name] = self.walk(variables[name])
                return match.group(0)  # a resource, an attribute or a pseudo parameter: CloudFormation's to fill

            text = SUB_VARIABLE.sub(replace, text)
            if SUB_VARIABLE.search(text):
                return {"Fn::Sub": [text, unresolved] if unresolved else text}
            return text.replace("${!", "${")
        if key == "Fn::If":
            name, when_true, when_false = arg
            return self.walk(when_true if self.condition(name) else when_false)
        if key == "Fn::Select":
            index, items = self.value(arg[0]), self.value(arg[1])
            return items[int(index)]
        if key == "Fn::Split":
            delimiter, text = self.value(arg[0]), self.value(arg[1])
            return text.split(delimiter)
        if key == "Fn::Equals":
            return str(self.value(arg[0])) == str(self.value(arg[1]))
        if key == "Fn::Not":
            return not self.value(arg[0])
        raise Unresolved()

    def condition(self, name):
        if name not in self.conditions:
            raise Unresolved()
        return bool(self.value(self.conditions[name]))


def transform(source, artifact_root, region, variant):
    template = copy.deepcopy(source)
    parameters = {name: str(body["Default"]) for name, body in template.get("Parameters", {}).items()
                  if "Default" in body}
    parameters.update({k: str(v) for k, v in variant.get("parameters", {}).items()})
    package(template, artifact_root, variant.get("codeKeys", {}))
    transforms = template.get("Transform")
    transforms = transforms if isinstance(transforms, list) else [transforms]
    if LANGUAGE_EXTENSIONS in transforms:
        LanguageExtensions(template, parameters).apply(template)
        template["Transform"] = [t for t in transforms if t != LANGUAGE_EXTENSIONS]
    os.environ["AWS_DEFAULT_REGION"] = region
    translator = Translator(managed_policy_map=managed_policies(), sam_parser=parser.Parser())
    return translator.translate(sam_template=template, parameter_values=parameters)


def main():
    request = json.load(sys.stdin)
    with open(request["template"], encoding="utf-8") as f:
        source = yaml_parse(f.read())
    results = {}
    for variant in request["variants"]:
        results[variant["name"]] = transform(source, request.get("artifactRoot", "."),
                                             request.get("region", "eu-west-1"), variant)
    json.dump({"samTranslatorVersion": samtranslator.__version__, "results": results}, sys.stdout, default=str)


if __name__ == "__main__":
    main()
