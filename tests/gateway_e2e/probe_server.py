"""A tiny stdio MCP server for the gateway end-to-end tests.

Its tools report what the process really received, so the tests can compare it
with what the values asked for:

- ``argv``: ``sys.argv[1:]`` as a JSON list (hostile arguments arrive unchanged?);
- ``env``: the value of one environment variable, JSON ``null`` when unset;
- ``cwd``: the working directory.

Run by the gateway (mcp-proxy) as a child process over stdio; the tests reach
it through the gateway with the MCP Python client.
"""

from __future__ import annotations

import json
import os
import sys

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("probe")


@mcp.tool()
def argv() -> str:
    """Return this process's command-line arguments (without argv[0]) as JSON."""
    return json.dumps(sys.argv[1:])


@mcp.tool()
def env(name: str) -> str:
    """Return the value of the environment variable `name` as JSON (null when unset)."""
    return json.dumps(os.environ.get(name))


@mcp.tool()
def cwd() -> str:
    """Return the working directory as JSON."""
    return json.dumps(os.getcwd())


if __name__ == "__main__":
    mcp.run("stdio")
