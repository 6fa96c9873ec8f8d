#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# It installs Node 20 (Debian/Ubuntu's nodejs is too old) and netgrade from the
# release tarball shipped in the autograder zip (no registry needed).
set -euo pipefail
SOURCE="${AUTOGRADER_SOURCE:-/autograder/source}"

if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  apt-get update -qq
  apt-get install -y -qq ca-certificates curl gnupg
  curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
  apt-get install -y -qq nodejs
fi

# The submission's language: the image has Python 3; add what the course needs, e.g.
# apt-get install -y -qq openjdk-17-jdk-headless

npm install --global "$SOURCE"/netgrade-*.tgz
netgrade --version
