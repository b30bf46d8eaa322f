# OneMap — make demo | test | package | install | bench. Each target installs what it needs.
SHELL := /bin/bash
VERSION := $(shell sed -n 's/^version=//p' metadata.txt)
VENV := .venv
PY := $(VENV)/bin/python
export QT_QPA_PLATFORM ?= offscreen
export XDG_RUNTIME_DIR ?= /tmp/runtime-$(shell id -u)
SAMPLE := resources/sample
BUILD := build/onemap
QGIS_PROFILE ?= $(HOME)/.local/share/QGIS/QGIS3/profiles/default

.PHONY: deps sample styles layouts translations build demo test test-matrix package repo install smoke screenshot review-screenshots lifecycle-walk detailed-screenshots guide-shots sheet04-images bench bench-quick clean

deps:
	@tools/bootstrap.sh

$(SAMPLE)/.stamp: tools/make_sample.py tools/make_sample_gdb.py tools/make_sample_detailed.py tools/geodesic.py \
		plugin/data/rulesets/village.yaml plugin/data/rulesets/detailed.yaml | deps
	$(PY) tools/make_sample.py $(SAMPLE)
	$(PY) tools/make_sample_gdb.py $(SAMPLE)
	$(PY) tools/make_sample_detailed.py $(SAMPLE)
	@touch $@

sample: $(SAMPLE)/.stamp

styles: deps
	$(PY) tools/make_styles.py

layouts: deps
	$(PY) tools/make_layouts.py
	$(PY) tools/make_tuze_layout.py

translations: deps
	@tools/build_translations.sh

# The plugin folder exactly as the ZIP holds it (plugin/ + metadata, resources, styles, .qm).
build: sample translations
	@rm -rf $(BUILD) && mkdir -p $(BUILD)
	@cp -r plugin/. $(BUILD)/ && cp metadata.txt LICENSE $(BUILD)/
	@cp -r resources styles $(BUILD)/
	@$(PY) tools/build_guide.py docs/guide $(BUILD)/docs/guide >/dev/null
	@find $(BUILD) -name __pycache__ -prune -exec rm -rf {} + ; find $(BUILD) -name '*.ts' -delete; rm -f $(BUILD)/resources/sample/.stamp

demo: sample
	$(PY) tools/demo.py out/demo

test: package
	@mkdir -p -m 700 $(XDG_RUNTIME_DIR)
	$(PY) -m pytest -q tests

# The suite on QGIS 3.40 (trixie) and 3.44 (sid) in cached mmdebstrap roots (root needed).
test-matrix: deps
	tools/test_matrix.sh

package: build
	@mkdir -p dist && rm -f dist/onemap-$(VERSION).zip
	@$(PY) tools/make_zip.py build onemap dist/onemap-$(VERSION).zip

# An internal plugin repository: dist/repo/plugins.xml + ZIP, to be served from REPO_URL.
REPO_URL ?= file://$(CURDIR)/dist/repo
repo: package
	$(PY) tools/make_repo.py dist/onemap-$(VERSION).zip dist/repo $(REPO_URL)

install: build
	@mkdir -p $(QGIS_PROFILE)/python/plugins && rm -rf $(QGIS_PROFILE)/python/plugins/onemap
	cp -r $(BUILD) $(QGIS_PROFILE)/python/plugins/onemap
	@echo "installed into $(QGIS_PROFILE)/python/plugins/onemap — enable it in Plugins ▸ Manage"

smoke: package
	tools/desktop_smoke.sh dist/onemap-$(VERSION).zip out/smoke --lang=zh-Hans

# The README's screenshots: real QGIS under xvfb started as `qgis --lang zh-Hans`, sample loaded and checked.
screenshot: smoke
	cp out/smoke/qgis.png docs/qgis-onemap-panel.png && cp out/smoke/panel.png docs/panel-zh_CN.png

# The review screenshots (docs/review-*.png): a technician's walk in QGIS under xvfb started as `qgis --lang zh-Hans` —
# load into a fresh project, a finding clicked, a decision, a live re-check, map sheets exported, the FileGDB plan's groups.
review-screenshots: package
	ONEMAP_SMOKE_CODE=$(CURDIR)/tools/review_screenshots.py tools/desktop_smoke.sh dist/onemap-$(VERSION).zip out/review --lang=zh-Hans
	cp out/review/review-click.png docs/review-click-zh.png && cp out/review/review-panel-decided.png docs/review-panel-zh.png
	cp out/review/review-decision-missing.png docs/review-decision-zh.png
	cp out/review/review-load.png docs/review-load-zh.png && cp out/review/review-live-recheck.png docs/review-live-recheck-zh.png
	cp out/review/review-export-running.png docs/review-export-zh.png && cp out/review/review-realdb-tree.png docs/review-realdb-tree-zh.png

# The one map's life cycle walked in real QGIS (docs/lifecycle-*.png): check, report, merge, the next plan, compare, trail.
lifecycle-walk: package
	ONEMAP_SMOKE_CODE=$(CURDIR)/tools/lifecycle_walk.py tools/desktop_smoke.sh dist/onemap-$(VERSION).zip out/lifecycle zh-Hans
	cp out/lifecycle/lifecycle-box.png docs/lifecycle-box-zh.png && cp out/lifecycle/lifecycle-box.png docs/guide/images/lifecycle-box.png
	cp out/lifecycle/*_v1-v2_规划调整对比.png docs/lifecycle-compare.png && cp out/lifecycle/merge-B-merged.png docs/guide/images/lifecycle-merge.png
	cp docs/lifecycle-compare.png docs/guide/images/lifecycle-compare.png

# A detailed plan checked in real QGIS (xvfb, zh-Hans): docs/detailed-plan-zh.png and the guide's image.
detailed-screenshots: package
	ONEMAP_SMOKE_CODE=$(CURDIR)/tools/detailed_screenshots.py tools/desktop_smoke.sh dist/onemap-$(VERSION).zip out/detailed zh-Hans
	cp out/detailed/detailed-qgis.png docs/detailed-plan-zh.png && cp out/detailed/detailed-qgis.png docs/guide/images/detailed-check.png

# The user guide's screenshots (docs/guide/images): real QGIS under xvfb, zh-Hans, the sample data.
guide-shots: repo
	ONEMAP_SHOTS_OUT=$(CURDIR)/docs/guide/images ONEMAP_REPO_URL=$(REPO_URL)/plugins.xml \
	  ONEMAP_SMOKE_CODE=$(CURDIR)/tools/guide_shots.py tools/desktop_smoke.sh dist/onemap-$(VERSION).zip out/guide zh-Hans

# Sheet 04 一张图核对成果图 as handed in (docs/sheet04-*.png, two in docs/guide/images): the sample plan with
# conflicts, the real-structure plan and the dense case of tests/test_mapsheet_findings.py, exported headless.
sheet04-images: sample
	$(PY) tools/sheet04_images.py docs out/sheet04

# Full tiers (2k … 200k, 1M farmland patches, village vs county, PostGIS push-down): writes the README table.
bench: deps
	$(PY) tools/bench.py --readme

bench-quick: deps
	$(PY) tools/bench.py --quick

clean:
	rm -rf build dist out $(SAMPLE)
