#!/usr/bin/env bash
# Debian packages some tests need: LibreOffice (the real client that must open our CSV/xlsx),
# PostgreSQL (the multi-office backend), poppler-utils (pdfinfo: the printed report's pages) and tmux (the
# TUI driven in a real terminal). Installed only when missing; needs root and apt-get.
# `make test` runs this first, so a fresh machine (and CI) needs nothing else. With `bench` (`make bench`):
# only the sqlite3 CLI that the benchmarks use as their raw baseline.
set -euo pipefail

missing=()
if [ "${1:-}" = bench ]; then  # `make bench`: only the sqlite3 CLI, the raw baseline
  command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
else
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v pdfinfo >/dev/null 2>&1 || missing+=(poppler-utils)  # the printed report's page count
command -v tmux >/dev/null 2>&1 || missing+=(tmux)  # the TUI driven in a real 80x24 terminal
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: please install the Debian packages: ${missing[*]}" >&2
  exit 1
fi
echo "system-deps: installing ${missing[*]} (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
