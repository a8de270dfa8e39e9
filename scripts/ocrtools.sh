#!/usr/bin/env bash
# Make sure material pre-review (issue 5) can read scans: Tesseract
# (tesseract-ocr) with its Simplified Chinese data (tesseract-ocr-chi-sim;
# English comes with tesseract-ocr), and the Kai face
# (fonts-arphic-gkai00mp) that amounts in capital numerals are matched
# against besides the Song and sans faces of scripts/pdftools.sh. Installs
# what is missing with apt-get (needs root) and fails with a clear message
# when it cannot. Without them the server still runs and reports OCR as
# unavailable; the OCR tests fail naming this script.
set -u

PACKAGES="tesseract-ocr tesseract-ocr-chi-sim fonts-arphic-gkai00mp"
FONTS=(/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf)
LANGS=(chi_sim eng)

missing() {
  local m=""
  for f in "${FONTS[@]}"; do
    [ -f "$f" ] || m="$m $f"
  done
  if ! command -v tesseract >/dev/null 2>&1; then
    echo "$m tesseract"
    return
  fi
  local have
  have="$(tesseract --list-langs 2>/dev/null)"
  for l in "${LANGS[@]}"; do
    grep -qx "$l" <<<"$have" || m="$m $l"
  done
  echo "$m"
}

report() {
  echo "ocrtools: $(tesseract --version 2>&1 | head -1), languages: $(tesseract --list-langs 2>/dev/null | tail -n +2 | tr '\n' ' '), fonts: ${FONTS[*]}"
}

m="$(missing)"
if [ -z "$m" ]; then
  report
  exit 0
fi

fail() {
  echo "ocrtools: $1" >&2
  echo "ocrtools: install them yourself with 'apt-get install -y $PACKAGES' (as root)." >&2
  exit 1
}

echo "ocrtools: missing:$m" >&2
if [ "$(id -u)" != 0 ]; then
  fail "installing them needs root"
fi
command -v apt-get >/dev/null 2>&1 || fail "this system has no apt-get"

echo "ocrtools: installing $PACKAGES with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
updated=0
for i in 1 2 3; do
  if apt-get update -q -o DPkg::Lock::Timeout=300; then updated=1; break; fi
  echo "ocrtools: apt-get update failed (attempt $i of 3); retrying" >&2
  sleep $((i * 5))
done
[ "$updated" = 1 ] || fail "apt-get update kept failing"
installed=0
for i in 1 2; do
  # shellcheck disable=SC2086 # PACKAGES is a list of words
  if apt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends $PACKAGES; then installed=1; break; fi
  echo "ocrtools: apt-get install failed (attempt $i of 2); retrying" >&2
  sleep 5
done
[ "$installed" = 1 ] || fail "apt-get install $PACKAGES failed"
m="$(missing)"
[ -z "$m" ] || fail "installed, but still missing:$m"
report
