#!/usr/bin/env bash
# Installs the Debian packages the native suites need: the Cortex-M4 cross compiler and newlib,
# QEMU (mps2-an386), tshark, valgrind and clang. Idempotent and non-interactive: does nothing when
# every package is already installed; otherwise one `apt-get update`, then `apt-get install -y`.
# Run as root (CI: .ci/run calls it when root), e.g. `sudo bash tools/install-cross.sh`.
set -euo pipefail

PACKAGES=(gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm tshark valgrind clang)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-cross: all packages present (${PACKAGES[*]})"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "install-cross: missing ${missing[*]}; run as root: sudo bash tools/install-cross.sh" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-cross: installing ${missing[*]}"
apt-get update
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get install -y --no-install-recommends "${missing[@]}"
