#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# It installs Node 20 (Debian/Ubuntu's nodejs is too old) and netgrade from the
# release tarball shipped in the autograder zip (no registry needed).
set -euo pipefail
SOURCE="${AUTOGRADER_SOURCE:-/autograder/source}"

# netgrade needs Node 20.19 or newer (package.json engines): major and minor both count.
node_too_old() {
  local v major minor
  v="$(node -p 'process.versions.node')" || return 0
  major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%.*}"
  [ "$major" -lt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -lt 19 ]; }
}
if ! command -v node >/dev/null 2>&1 || node_too_old; then
  apt-get update -qq
  apt-get install -y -qq ca-certificates curl gnupg
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  apt-get install -y -qq nodejs
fi

# The submission's language: the image has Python 3; add what the course needs, e.g.
# apt-get install -y -qq openjdk-17-jdk-headless

npm install --global "$SOURCE"/netgrade-*.tgz
netgrade --version
