#!/usr/bin/env bash
# Make sure the browser tests have a Chromium: Debian's package (the
# Playwright browser download is never used) and CJK fonts, so the Chinese
# UI renders in screenshots. Installs them with apt-get when missing (needs
# root) and fails with a clear message when it cannot.
set -u
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

have_fonts() { ! command -v fc-list >/dev/null 2>&1 || [ -n "$(fc-list :lang=zh 2>/dev/null | head -1)" ]; }

if [ -x "$CHROMIUM" ] && have_fonts; then
  echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

fail() {
  echo "chromium: $1" >&2
  echo "chromium: install it yourself with 'apt-get install -y chromium fonts-noto-cjk' (as root), or set CHROMIUM=/path/to/chromium; 'npx playwright install' is not used." >&2
  exit 1
}

if [ "$(id -u)" != 0 ]; then
  fail "$CHROMIUM or CJK fonts are missing and installing them needs root"
fi
command -v apt-get >/dev/null 2>&1 || fail "$CHROMIUM is missing and this system has no apt-get"

echo "chromium: installing chromium and fonts-noto-cjk with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
updated=0
for i in 1 2 3; do
  if apt-get update -q; then updated=1; break; fi
  echo "chromium: apt-get update failed (attempt $i of 3); retrying" >&2
  sleep $((i * 5))
done
[ "$updated" = 1 ] || fail "apt-get update kept failing"
installed=0
for i in 1 2; do
  if apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk; then installed=1; break; fi
  echo "chromium: apt-get install failed (attempt $i of 2); retrying" >&2
  sleep 5
done
[ "$installed" = 1 ] || fail "apt-get install chromium fonts-noto-cjk failed"
[ -x "$CHROMIUM" ] || fail "installed, but $CHROMIUM is still missing"
echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
