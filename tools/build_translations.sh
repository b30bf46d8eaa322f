#!/usr/bin/env bash
# Compile the plugin's Qt translations (plugin/i18n/*.ts -> .qm). `--update` first refreshes the
# .ts files from the tr() calls in plugin/ (pylupdate5), keeping existing translations.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--update" ]; then
  mapfile -t sources < <(find plugin -name '*.py' | sort)
  pylupdate5 -noobsolete "${sources[@]}" -ts plugin/i18n/onemap_zh_CN.ts
fi
for ts in plugin/i18n/*.ts; do
  [ -e "$ts" ] || continue
  lrelease -silent "$ts" -qm "${ts%.ts}.qm"
done
