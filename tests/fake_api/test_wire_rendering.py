"""Answer shapes of fake_api.rendering: XML with repeated singular elements, JSON, the error body."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree

from fake_api.rendering import (
    EncodedRows,
    error_body,
    json_members,
    json_string,
    new_request_id,
    render_json,
    render_xml,
)
from fake_api.rpc_client import RpcClient
from fake_api.seeds import DEMO_REGION_ID, DEMO_SOURCE_INSTANCE_ID


def test_request_ids_are_uppercase_uuids_and_unique() -> None:
    first, second = new_request_id(), new_request_id()
    assert re.fullmatch(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}", first)
    assert first != second


def test_xml_renders_lists_as_repeated_singular_elements_under_the_action_response_root() -> None:
    body = {
        "RequestId": "R",
        "TotalCount": 2,
        "Instances": {
            "Instance": [{"InstanceId": "i-1", "IoOptimized": True}, {"InstanceId": "i-2", "IoOptimized": False}]
        },
    }
    root = ElementTree.fromstring(render_xml("DescribeInstancesResponse", body))
    assert root.tag == "DescribeInstancesResponse"
    assert root.findtext("TotalCount") == "2"
    assert [element.findtext("InstanceId") for element in root.findall("Instances/Instance")] == ["i-1", "i-2"]
    assert [element.findtext("IoOptimized") for element in root.findall("Instances/Instance")] == ["true", "false"]


def test_xml_escapes_text_and_renders_none_as_an_empty_element() -> None:
    root = ElementTree.fromstring(render_xml("R", {"Description": "a<b & c>", "Missing": None}))
    assert root.findtext("Description") == "a<b & c>"
    assert root.find("Missing") is not None and root.findtext("Missing") == ""


def test_xml_starts_with_the_declaration() -> None:
    assert render_xml("R", {}).startswith(b'<?xml version="1.0" encoding="UTF-8"?><R>')


def test_json_keeps_unicode_and_shape() -> None:
    body = {"RequestId": "R", "Regions": {"Region": [{"LocalName": "华东1（杭州）"}]}}
    assert json.loads(render_json(body)) == body
    assert "华东1" in render_json(body).decode()


def test_error_body_has_the_real_fields_and_a_troubleshooting_link() -> None:
    body = error_body(
        "RID", "ecs.aliyuncs.com", "InvalidInstanceId.NotFound", "The specified InstanceId does not exist.", "Ecs"
    )
    assert list(body) == ["RequestId", "HostId", "Code", "Message", "Recommend"]
    assert body["Recommend"] == (
        "https://api.aliyun.com/troubleshoot?q=InvalidInstanceId.NotFound&product=Ecs&requestId=RID"
    )


def test_json_splices_encoded_rows_as_given_where_list_answers_keep_their_rows() -> None:
    rows = EncodedRows([{"A": 1}], encoded='[{"A":1}]')
    assert render_json({"RequestId": "R", "Items": {"Item": rows}, "TotalCount": 1}) == (
        b'{"RequestId":"R","Items":{"Item":[{"A":1}]},"TotalCount":1}'
    )
    # The encoded form is what goes out (render_json does not encode the rows again) ...
    marked = EncodedRows([{"A": 1}], encoded='[{"A":"spliced"}]')
    assert json.loads(render_json({"Items": {"Item": marked}})) == {"Items": {"Item": [{"A": "spliced"}]}}
    # ... where list answers keep their rows; deeper, the rows are an ordinary list.
    assert json.loads(render_json({"A": {"B": {"C": marked}}})) == {"A": {"B": {"C": [{"A": 1}]}}}
    # XML sees the rows themselves.
    assert b"<Item><A>1</A></Item>" in render_xml("R", {"Items": {"Item": marked}})


def test_json_members_and_strings_are_written_as_render_json_writes_them() -> None:
    members = {"Name": 'a "quoted" 名字', "Count": 2, "On": True, "None": None}
    assert "{" + json_members(members) + "}" == render_json(members).decode()
    assert json_string("Running") == '"Running"'
    assert json_string('x"\n') == '"x\\"\\n"'


def plain_json(content: bytes) -> bytes:
    """The answer encoded again from its data as compact JSON: what it must be, byte for byte."""
    return json.dumps(json.loads(content), ensure_ascii=False, separators=(",", ":")).encode()


def test_describe_instances_json_follows_every_change_of_an_instance(wire: RpcClient) -> None:
    def page() -> tuple[bytes, dict[str, Any]]:
        response = wire.get("DescribeInstances", RegionId=DEMO_REGION_ID, MaxResults="10")
        assert response.status_code == 200, response.text
        assert response.content == plain_json(response.content)
        return response.content, response.json()["Instances"]["Instance"][0]

    before, first = page()
    assert (first["InstanceId"], first["InstanceName"], first["Status"]) == (
        DEMO_SOURCE_INSTANCE_ID,
        "web-1",
        "Running",
    )
    again, _ = page()
    assert again.partition(b'"Instances"')[2] == before.partition(b'"Instances"')[2]  # only the RequestId differs

    renamed = 'web "one" 名字'
    changes: list[tuple[str, dict[str, str], str, object]] = [
        (
            "ModifyInstanceAttribute",
            {"InstanceId": DEMO_SOURCE_INSTANCE_ID, "Description": renamed},
            "Description",
            renamed,
        ),
        (
            "TagResources",
            {
                "RegionId": DEMO_REGION_ID,
                "ResourceType": "instance",
                "ResourceId.1": DEMO_SOURCE_INSTANCE_ID,
                "Tag.1.Key": "owner",
                "Tag.1.Value": "ops",
            },
            "Tags",
            {
                "Tag": [
                    {"TagKey": "app", "TagValue": "web"},
                    {"TagKey": "env", "TagValue": "demo"},
                    {"TagKey": "owner", "TagValue": "ops"},
                ]
            },
        ),
        # On the default (fast) profile the instance is seen stopping before it is Stopped.
        ("StopInstance", {"InstanceId": DEMO_SOURCE_INSTANCE_ID}, "Status", "Stopping"),
    ]
    for action, params, field, shown_value in changes:
        assert wire.get(action, **params).status_code == 200
        _, first = page()
        assert first[field] == shown_value, action

    xml = ElementTree.fromstring(wire.get("DescribeInstances", answer_format=None, RegionId=DEMO_REGION_ID).content)
    shown = xml.find("Instances/Instance")
    assert shown is not None
    assert (shown.findtext("Description"), shown.findtext("Status")) == (renamed, "Stopping")
