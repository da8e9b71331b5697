#!/usr/bin/env bash
# Installs what the tests need from Debian when it is missing: "chromium" (Chromium and CJK fonts
# for the browser tests) or "gettext" (xgettext, for the translation-catalog check).
set -euo pipefail
what=${1:?chromium or gettext}
case "$what" in
  chromium) need=/usr/bin/chromium; packages="chromium fonts-noto-cjk" ;;
  gettext) need=/usr/bin/xgettext; packages="gettext" ;;
  *) echo "unknown: $what" >&2; exit 2 ;;
esac
[ -x "$need" ] && exit 0
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
echo "Installing $packages from Debian..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $packages >/dev/null
