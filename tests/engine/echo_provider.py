"""A second Terraform provider for the tests (``example.test/local/echo``): one resource, ``echo_value``,
whose ``output`` repeats its ``input``. It stands for any other provider a user's stack uses, installed
from the user's own filesystem mirror."""

from __future__ import annotations

import sys
from typing import Any

from tf import schema, types
from tf.iface import Config, CreateContext, DeleteContext, ReadContext, State, UpdateContext
from tf.provider import Provider, Resource
from tf.runner import run_provider
from tf.utils import Diagnostics


class EchoValue(Resource):
    @classmethod
    def get_name(cls) -> str:
        return "value"

    @classmethod
    def get_schema(cls) -> schema.Schema:
        return schema.Schema(
            attributes=[
                schema.Attribute("input", types.String(), required=True),
                schema.Attribute("output", types.String(), computed=True),
            ]
        )

    def __init__(self, provider: Any) -> None:
        self.provider = provider

    def create(self, ctx: CreateContext, planned: State) -> State:
        return {**planned, "output": planned["input"]}

    def read(self, ctx: ReadContext, current: State) -> State:
        return current

    def update(self, ctx: UpdateContext, current: State, planned: State) -> State:
        return {**planned, "output": planned["input"]}

    def delete(self, ctx: DeleteContext, current: State) -> None:
        return None

    def upgrade(self, ctx: Any, version: int, old: State) -> State:
        return old


class EchoProvider(Provider):
    def full_name(self) -> str:
        return "example.test/local/echo"

    def get_model_prefix(self) -> str:
        return "echo_"

    def get_provider_schema(self, diags: Diagnostics) -> schema.Schema:
        return schema.Schema(attributes=[])

    def validate_config(self, diags: Diagnostics, config: Config) -> None:
        return None

    def configure_provider(self, diags: Diagnostics, config: Config) -> None:
        return None

    def get_data_sources(self) -> list[Any]:
        return []

    def get_resources(self) -> list[Any]:
        return [EchoValue]


if __name__ == "__main__":
    run_provider(EchoProvider(), sys.argv)
