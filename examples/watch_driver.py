"""Drive `liqscan watch` from Python through a pipe: events in, change lines out.

    python3 examples/watch_driver.py                          # runs `npx liqscan watch ...`
    python3 examples/watch_driver.py node dist/cli/main.js    # or any command that runs liqscan

Each event is written as one JSON line and flushed; a thread reads the change lines as the
process writes them (README, "Streaming: liqscan watch"). Amounts are exact decimal strings both
ways: parse them with decimal.Decimal, never float.
"""
import json
import subprocess
import sys
import threading
from decimal import Decimal

LIQSCAN = sys.argv[1:] or ["npx", "liqscan"]
proc = subprocess.Popen(
    LIQSCAN + ["watch", "examples/spec-example.json", "--every", "1", "--pause", "0"],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
)


def read_changes():
    for line in proc.stdout:
        change = json.loads(line)
        equity = Decimal(change["equity"])
        print(f'scan {change["scan"]} seq {change["seq"]}: {change["account"]} {change["type"]}, equity {equity}')


reader = threading.Thread(target=read_changes)
reader.start()
events = [
    {"type": "mark", "market": "ETH-PERP", "price": "3320", "seq": 1},
    {"type": "deposit", "account": "bob", "amount": "20", "seq": 2},
    {"type": "withdrawal", "account": "bob", "amount": "30", "seq": 3},
]
for event in events:
    proc.stdin.write(json.dumps(event) + "\n")
    proc.stdin.flush()
proc.stdin.close()
reader.join()
sys.exit(proc.wait())
