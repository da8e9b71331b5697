#!/usr/bin/env bash
# Installs what the tests need from Debian when it is missing: "chromium" (Chromium and CJK fonts
# for the browser tests), "gettext" (xgettext, for the translation-catalog check) or "node" (Node.js
# and npm, for the third-party TikTok client the browser tests run).
set -euo pipefail
what=${1:?chromium, gettext or node}
case "$what" in
  chromium) need=/usr/bin/chromium; packages="chromium fonts-noto-cjk" ;;
  gettext) need=/usr/bin/xgettext; packages="gettext" ;;
  node) need=$(command -v npm || echo /usr/bin/npm); packages="nodejs npm" ;;
  *) echo "unknown: $what" >&2; exit 2 ;;
esac
[ -x "$need" ] && exit 0
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
echo "Installing $packages from Debian..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $packages >/dev/null
