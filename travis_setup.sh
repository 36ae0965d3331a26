#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu machine's system packages for the test suite:
# OSMesa and Mesa's EGL, so MuJoCo can render videos with no screen (MUJOCO_GL=osmesa or egl).
set -euo pipefail

packages=(libosmesa6 libgl1 libegl1 libegl-mesa0)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "travis_setup.sh: system packages present (${packages[*]})."
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "travis_setup.sh: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
echo "travis_setup.sh: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
