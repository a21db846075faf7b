"""Print an HTML After-Action Report to PDF with headless Chromium, as a reader's browser would print it.

Run where the distribution's chromium is installed:

    exercise report sessions/J.jsonl --format html -o aar.html
    python scripts/print_report.py aar.html aar-a4.pdf --paper a4
    python scripts/print_report.py aar.html aar-letter.pdf --paper letter
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from browser_screenshot import PAPER, browser


async def print_report(html: Path, out: Path, paper: str) -> None:
    async with browser() as page:
        out.write_bytes(await page.pdf(html.resolve().as_uri(), paper=paper))
    print(f"{out}: {out.stat().st_size} bytes ({paper})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--paper", choices=sorted(PAPER), default="a4")
    args = parser.parse_args()
    asyncio.run(print_report(args.html, args.out, args.paper))
