#!/usr/bin/env bash
# Installs everything Switchyard needs on a fresh Debian 12 machine, as root: the system packages
# (apt-get), pnpm (through npm: corepack's signature check fails against some registries) and the
# workspace's packages. Idempotent, and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# nginx and systemd are what Switchyard drives; rsync ships releases; flock (util-linux) holds the
# deploy lock; openssl makes test certificates; wrk and hyperfine load and time the demo and the
# benchmarks; git gives release ids their sha; python3-django and gunicorn run the Django example
# (examples/django-site) with Debian's /usr/bin/python3, no pip, and python3-psycopg2 lets it use
# PostgreSQL (the embedded database, served over the wire protocol, in test/embedded-database.test.ts). openssh-client reaches servers;
# openssh-server, sudo and iproute2 (network namespaces) make the servers the remote tests deploy to.
# postgresql gives the migration tests a real server: packages/testbed runs a private one per test file.
# awscli and rclone are the peers `pnpm bench:assets` publishes beside (it runs /usr/bin/aws by path).
# libnginx-mod-http-brotli-static lets nginx send the brotli twins of published assets (assets.precompress).
SYSTEM_PACKAGES=(nginx systemd util-linux rsync openssl wrk hyperfine git ca-certificates python3-django python3-psycopg2 gunicorn
  openssh-client openssh-server sudo iproute2 postgresql awscli rclone libnginx-mod-http-brotli-static)

missing=()
for package in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  echo "bootstrap: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v pnpm >/dev/null || [[ $(pnpm --version) != 10.* ]]; then
  echo "bootstrap: installing pnpm 10"
  npm install -g --silent pnpm@10
fi

export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile --reporter=silent
pnpm -s build >/dev/null
echo "bootstrap: ready ($(nginx -v 2>&1 | sed 's/.*version: //'), node $(node --version), pnpm $(pnpm --version))"
