#!/usr/bin/env bash
# Install the Debian/Ubuntu packages Mine Atlas needs, only those that are missing.
set -euo pipefail

PACKAGES=(
    postgresql-15 postgresql-15-postgis-3   # database and spatial extension
    gdal-bin libgeos-c1v5                   # GeoDjango (libgdal, libgeos) and ogrinfo
    chromium                                # browser tests (Playwright drives Debian's build)
    wrk                                     # load generator for `make bench`
    redis-server                            # shared cache for more than one app process (CACHE_URL)
    libcairo2                               # PNG chart downloads (cairosvg)
    gettext                                 # compiles the az/ru catalogues (compilemessages)
)
missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi
SUDO=""
if [[ "$(id -u)" != "0" ]]; then
    SUDO="sudo"
fi
echo "Installing system packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
