#!/usr/bin/env bash
# Real-desktop smoke test: QGIS under xvfb-run with the packaged ZIP unpacked into a throw-away
# profile and the plugin enabled. tools/desktop_smoke.py (run inside QGIS) opens the panel, loads
# the sample one map and village plan, saves a screenshot and records Python errors. Other scripts run the
# same way (ONEMAP_SMOKE_CODE); what they share is tools/in_qgis.py.
#   usage: tools/desktop_smoke.sh dist/onemap-X.zip OUT_DIR [LOCALE | --lang=LOCALE]
# LOCALE is set as the profile's locale override (Settings ▸ Options ▸ General); --lang=LOCALE starts
# QGIS as `qgis --lang LOCALE` instead, with no override — how a user picks a language for one session.
set -euo pipefail
zip=$(readlink -f "$1"); out=$(readlink -m "$2"); locale=${3:-zh_CN}
lang_args=()
if [[ $locale == --lang=* ]]; then
  lang_args=(--lang "${locale#--lang=}"); override=false; locale=""
else
  override=true
fi
root=$(cd "$(dirname "$0")/.." && pwd)
profiles="$out/profiles"
rm -rf "$out" && mkdir -p "$profiles/profiles/default/python/plugins" "$profiles/profiles/default/QGIS"
unzip -q "$zip" -d "$profiles/profiles/default/python/plugins"
cat > "$profiles/profiles/default/QGIS/QGIS3.ini" <<INI
[PythonPlugins]
onemap=true

[locale]
overrideFlag=$override
userLocale=$locale

[qgis]
checkVersion=false
showTips=false
INI
export ONEMAP_SMOKE_OUT="$out" ONEMAP_SAMPLE="$root/resources/sample"
export PYTHONPATH="$root/tools${PYTHONPATH:+:$PYTHONPATH}"         # the scripts share tools/in_qgis.py
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/runtime-$(id -u)}; mkdir -p -m 700 "$XDG_RUNTIME_DIR"
unset QT_QPA_PLATFORM
timeout 240 xvfb-run -a -s "-screen 0 1600x1000x24" \
  qgis --profiles-path "$profiles" --nologo --noversioncheck "${lang_args[@]}" --code "${ONEMAP_SMOKE_CODE:-$root/tools/desktop_smoke.py}" \
  > "$out/qgis.log" 2>&1 || true
cat "$out/result.json"
