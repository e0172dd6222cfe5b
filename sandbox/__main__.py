"""`python -m sandbox [--host H] [--port P]`: the sandbox Bot API server alone, for any bot."""

from __future__ import annotations

import argparse

from aiohttp import web

from sandbox.app import create_sandbox_app
from sandbox.world import World


def main() -> None:
    parser = argparse.ArgumentParser(description="A local Bot API server with a web chat")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    base = f"http://{args.host}:{args.port}"
    print(f"Bot API:  {base}  (set TELEGRAM_API_URL={base} and any BOT_TOKEN like 123:abc)")
    print(f"Web chat: {base}/")
    web.run_app(create_sandbox_app(World()), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
