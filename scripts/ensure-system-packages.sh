#!/usr/bin/env bash
# Installs what the tests and benchmarks need from Debian when it is missing: "chromium" (Chromium, and
# CJK fonts so Japanese pages and help pictures do not render as empty boxes), "gettext" (xgettext, for
# the translation-catalog check), "node" (Node.js and npm, for the third-party TikTok client the browser
# tests run) or "wrk" (the HTTP load generator of the benchmarks). Each package is checked on its own:
# a machine that has Chromium but no Japanese font still gets fonts-noto-cjk.
set -euo pipefail
what=${1:?chromium, gettext, node or wrk}

has_japanese_font() {
  if command -v fc-list >/dev/null 2>&1; then
    [ -n "$(fc-list :lang=ja family 2>/dev/null)" ]
  else
    dpkg -s fonts-noto-cjk >/dev/null 2>&1
  fi
}

missing=""
case "$what" in
  chromium)
    [ -x /usr/bin/chromium ] || missing="chromium"
    has_japanese_font || missing="$missing fonts-noto-cjk"
    ;;
  gettext) [ -x /usr/bin/xgettext ] || missing="gettext" ;;
  node) [ -x "$(command -v npm || echo /usr/bin/npm)" ] || missing="nodejs npm" ;;
  wrk) [ -x /usr/bin/wrk ] || missing="wrk" ;;
  *) echo "unknown: $what" >&2; exit 2 ;;
esac
missing=${missing# }
[ -z "$missing" ] && exit 0
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
echo "Installing $missing from Debian..."
$sudo apt-get update -qq
# shellcheck disable=SC2086 # one word per package
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
