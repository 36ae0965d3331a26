#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu machine's system packages for the test suite:
# OSMesa and Mesa's EGL, so MuJoCo can render videos with no screen (MUJOCO_GL=osmesa or egl),
# and Chromium, in which test_docs_offline.py opens the built docs with the network off.
set -euo pipefail

packages=(libosmesa6 libgl1 libegl1 libegl-mesa0)
# Debian's chromium; where the package is not to be had (Ubuntu ships Chromium as a snap), the
# offline docs test skips, saying so, and the rest of the suite runs as usual
optional=(chromium)
missing=()
for p in "${packages[@]}" "${optional[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "travis_setup.sh: system packages present (${packages[*]} ${optional[*]})."
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "travis_setup.sh: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
echo "travis_setup.sh: installing ${missing[*]}"
$sudo apt-get update -qq
required=()
for p in "${missing[@]}"; do
    [[ " ${optional[*]} " == *" $p "* ]] || required+=("$p")
done
if [ ${#required[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${required[@]}"
fi
for p in "${optional[@]}"; do
    if [[ " ${missing[*]} " == *" $p "* ]]; then
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$p" \
            || echo "travis_setup.sh: could not install $p: the tests that need it will skip" >&2
    fi
done
