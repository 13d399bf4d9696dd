"""Answer shapes of fake_api.rendering: XML with repeated singular elements, JSON, the error body."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

from fake_api.rendering import error_body, new_request_id, render_json, render_xml


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
