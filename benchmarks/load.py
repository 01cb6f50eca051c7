"""The load driver of tests/load.py from the command line, against a running server:

    python -m benchmarks.load --base-url http://127.0.0.1:8000 --project karlsruhe-ebikes \\
        --clients 50 --posts 200 --readers 4

See tests/load.py for what it sends, what it checks and what the server needs.
"""

import argparse
import json
import uuid
from collections.abc import Sequence

from tests.load import prepare_clients, run_load, stored_rows, verify_stored


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Concurrent writers and readers against a loopback server; checks what was stored."
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--project", default="karlsruhe-ebikes")
    parser.add_argument("--category", default="charging-station")
    parser.add_argument("--bbox", default="8.36,48.99,8.44,49.03", help="minlon,minlat,maxlon,maxlat")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--posts", type=int, default=200, help="suggestions per client")
    parser.add_argument("--readers", type=int, default=4)
    args = parser.parse_args(argv)

    import django

    django.setup()

    run_id = f"load-{uuid.uuid4().hex[:12]}"
    tokens = prepare_clients(count=args.clients, prefix=run_id)
    bbox = tuple(float(v) for v in args.bbox.split(","))
    result = run_load(
        base_url=args.base_url,
        project_slug=args.project,
        tokens=tokens,
        posts_per_client=args.posts,
        readers=args.readers,
        category=args.category,
        bbox=bbox,  # type: ignore[arg-type]
        run_id=run_id,
    )
    verification = verify_stored(result, stored_rows(run_id))
    summary = {**result.summary(), "lost": len(verification.lost), "duplicated": len(verification.duplicated)}
    print(json.dumps(summary, indent=2))
    for line in result.invalid[:10] + result.reads_invalid[:10]:
        print("invalid:", line)
    return 1 if result.invalid or result.reads_invalid or verification.lost or verification.duplicated else 0


if __name__ == "__main__":
    raise SystemExit(main())
