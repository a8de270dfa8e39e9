#!/usr/bin/env bash
# Make sure the electronic-certificate renderer and its tests have what they
# need from Debian: the CJK TrueType fonts it embeds (fonts-arphic-gbsn00lp,
# a Song face, and fonts-droid-fallback for characters beyond GB 2312),
# poppler-utils (pdftotext, pdftoppm, pdfinfo) and zbar-tools (zbarimg) to
# read the PDFs back and scan their QR codes, and sqlite3 (the browser tests
# tamper with a decision in the demo database to see the red signature tag). Installs what is missing with
# apt-get (needs root) and fails with a clear message when it cannot.
set -u

FONTS=(
  /usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf
  /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
)
PACKAGES="poppler-utils zbar-tools fonts-arphic-gbsn00lp fonts-droid-fallback sqlite3"

missing() {
  local m=""
  for t in pdftotext pdftoppm pdfinfo zbarimg sqlite3; do
    command -v "$t" >/dev/null 2>&1 || m="$m $t"
  done
  for f in "${FONTS[@]}"; do
    [ -f "$f" ] || m="$m $f"
  done
  echo "$m"
}

report() {
  echo "pdftools: $(pdftotext -v 2>&1 | head -1), $(zbarimg --version 2>/dev/null | head -1 | sed 's/^/zbarimg /'), fonts: ${FONTS[*]}"
}

m="$(missing)"
if [ -z "$m" ]; then
  report
  exit 0
fi

fail() {
  echo "pdftools: $1" >&2
  echo "pdftools: install them yourself with 'apt-get install -y $PACKAGES' (as root)." >&2
  exit 1
}

echo "pdftools: missing:$m" >&2
if [ "$(id -u)" != 0 ]; then
  fail "installing them needs root"
fi
command -v apt-get >/dev/null 2>&1 || fail "this system has no apt-get"

echo "pdftools: installing $PACKAGES with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
updated=0
for i in 1 2 3; do
  if apt-get update -q; then updated=1; break; fi
  echo "pdftools: apt-get update failed (attempt $i of 3); retrying" >&2
  sleep $((i * 5))
done
[ "$updated" = 1 ] || fail "apt-get update kept failing"
installed=0
for i in 1 2; do
  # shellcheck disable=SC2086 # PACKAGES is a list of words
  if apt-get install -y -q --no-install-recommends $PACKAGES; then installed=1; break; fi
  echo "pdftools: apt-get install failed (attempt $i of 2); retrying" >&2
  sleep 5
done
[ "$installed" = 1 ] || fail "apt-get install $PACKAGES failed"
m="$(missing)"
[ -z "$m" ] || fail "installed, but still missing:$m"
report
