#!/usr/bin/env bash
# Storage benchmark: reps stored per second with durability on, and the time for the outbox to
# drain 10,000 reports queued during an outage to the reference gym server once it comes back
# (concurrency 1, 2 and 4). Work files go to BUILD_DIR/bench-storage (the disk being measured).
# Usage: tests/bench/storage_bench.sh [BUILD_DIR] [REPORTS]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
reports=${2:-10000}
bin=$build/bin
work=$build/bench-storage
rm -rf "$work"; mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

echo "tempoload storage benchmark: $(nproc) cores, $(date -u +%FT%TZ), work dir $work ($(df -h --output=source "$work" | tail -1))"
"$bin/tempoload-storage-bench" --mode reps --dir "$work" --reps 2000
for c in 1 2 4; do
  "$bin/tempoload-storage-bench" --mode drain --dir "$work" --reports "$reports" \
    --concurrency "$c" --gym-bin "$bin/tempoload-gym" --port "$(free_port)" --outage-s 2
done
