"""Defects the e2e harness found in what the post-renderer (and the chart)
wrote, kept as regression tests now that they are fixed.
"""

from __future__ import annotations

import yaml

from . import harness


def _start(values: dict, tmp_path) -> tuple[harness.Launch, int]:
    port = harness.free_port()
    values = {**values}
    values["transport"]["stdioGateway"].update(harness.loopback_values(port)["transport"]["stdioGateway"])
    f = tmp_path / "values.yaml"
    f.write_text(yaml.safe_dump(values))
    pod = harness.GatewayPod.from_render(harness.render([f], tmp_path))
    return pod.materialise(tmp_path / "pod"), port


def test_regression_setup_step_ending_in_a_backslash_still_starts_the_proxy(tmp_path) -> None:
    values = {
        "mode": "image",
        "transport": {
            "type": "stdio",
            "stdioGateway": {
                "enabled": True,
                "preStart": ["echo continued \\"],
                "server": {"command": "mcp-e2e-probe"},
            },
        },
    }
    launch, port = _start(values, tmp_path)
    with harness.running(launch, port, tmp_path / "gateway.log"):
        pass
