"""A detailed plan's map sheets (onemap:exportmapsheets): 土地使用规划图 and one 图则 per 街区.

土地使用规划图: the whole plan on the map-sheet template, parcels labelled by 地块编号, the 城市四线, the plan's
extent and the one map's 规划单元 (mapsheets.build_sheet does the sheet). 图则: resources/tuze_A3.qpt as an
atlas over the plan's 街区 — the 街区's map with its parcels labelled, the 四线, the parcel indicator table
(地块编号, 用地代码/名称, 面积, 容积率, 建筑密度, 绿地率, 限高) filtered to the page's 街区 by the atlas, a 区位图,
the legend of what the page shows, scales and north arrow. 街区 are the plan's JQBH (else the 地块编号's part
before its last '-', else the unit); a 街区 of roads only gets no 图则. Areas are ellipsoidal (CGCS2000), as the
check's. Everything is drawn in the sheets' private project: the user's is never touched.

Every parcel is listed: texts of any length are read (a cell shows at most CELL_CHARS characters of one,
broken to its column's width, a cut one ending in text.CUT; titles show a 街区 number on one line), and a 街区
whose table outgrows page 1 goes on on the template's 续表 pages; the note under the table says how many parcels
the 街区 has, where the table goes on, and which did not fit if even the 续表 pages are full.
"""
import os
import re
from collections import Counter, defaultdict

from qgis.core import (
    QgsExpressionContextUtils,
    QgsFeature,
    QgsFillSymbol,
    QgsGeometry,
    QgsLayoutItemAttributeTable,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemScaleBar,
    QgsLayoutTableColumn,
    QgsLayoutUtils,
    QgsNullSymbolRenderer,
    QgsPalLayerSettings,
    QgsRuleBasedRenderer,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtCore import QVariant

from ..check.ellipsoid import EllipsoidalAreas
from ..check.measures import CGCS2000_ELLIPSOID, M2_PER_HA
from ..errors import OneMapError
from ..read.codes import code_list
from ..read.styles import apply_style
from . import fonts
from .mapsheets import (
    EXTENSIONS,
    NICE_SCALES,
    SheetLayer,
    Village,
    Written,
    build_sheet,
    class_key,
    crs_note,
    else_keys,
    export_png,
    fill_legend,
    fit_extent,
    footnote,
    legend_label,
    nice_length,
    present_classes,
    today,
)
from .report_pdf import export_pdf, load_template
from .sheet_files import check_targets, safe_name, unique_name
from .sheet_layout import LegendFit, text_lines
from .text import clip, one_line

LANDUSE_SHEET = "土地使用规划图"
LINES = ("CSLVX", "CSLANX", "CSHX", "CSZX")           # the 城市四线, drawn above the parcels
ROAD = "1207"                                        # a 街区 of roads only gets no 图则
# (field, heading, width mm): each heading fits its column on one line (QGIS 3.22 sizes the header row for one)
COLUMNS = [("DKBH", "地块编号", 15), ("YDDM", "用地代码", 14), ("YDMC", "用地名称", 27), ("MJ", "用地面积(公顷)", 19),
           ("RJL", "容积率", 13), ("JZMD", "建筑密度(%)", 15), ("LDL", "绿地率(%)", 13), ("XG", "建筑限高(米)", 16)]
AREA_NOTE = "用地面积为 CGCS2000 椭球面积，与核对报告一致。"
CELL_CHARS = 60                                      # a table cell or map label shows at most this much of a text
TITLE_CHARS = 40                                     # … and a 图则's title of its 街区 number
TABLE_TEXT_PT, CELL_MARGIN_MM = 7.0, 0.8             # the table's text and cell margin (tools/make_tuze_layout.py)
OUTLINE_CURRENT = {"color": "0,0,0,0", "outline_color": "180,30,30", "outline_width": "0.7", "outline_style": "solid"}
OUTLINE_OTHER = {"color": "0,0,0,0", "outline_color": "120,120,120", "outline_width": "0.25", "outline_style": "dash"}
OVERVIEW_CURRENT = {"color": "220,40,40,150", "outline_color": "180,30,30", "outline_width": "0.3"}


def memory_layer(crs, name, fields):
    """A polygon layer in memory with text fields of any length (declared in its URI: no QVariant type
    constants; `string` alone would refuse texts over 255 characters)."""
    return QgsVectorLayer("MultiPolygon?crs={}{}".format(crs.authid() or crs.toWkt(), "".join(
        "&field={}:string(0)".format(field) for field in fields)), name, "memory")


def add_all(layer, features, what):
    """Store `features` in the memory `layer`, or OneMapError naming the first one it refused (`what(feature)`)."""
    ok, _added = layer.dataProvider().addFeatures(features)
    if not ok:
        refused = what(features[min(layer.featureCount(), len(features) - 1)])
        error = layer.dataProvider().lastError()
        raise OneMapError("图则无法收录{}：{}".format(refused, error),
                          "The 图则 cannot hold {}: {}".format(refused, error))


def named(value):
    """A 街区 or parcel number as a title or message names it: one line, at most TITLE_CHARS characters."""
    return clip(one_line(value), TITLE_CHARS)


def cell(value, width_mm):
    """A text as the table's column `width_mm` wide (and the map's label) shows it: at most CELL_CHARS characters,
    broken into lines that fit the column in the exports' font — QGIS wraps a cell only at spaces, and Chinese
    has none."""
    text = clip(one_line(value), CELL_CHARS)
    return "\n".join(text_lines(text, fonts.font(TABLE_TEXT_PT), width_mm - 2 * CELL_MARGIN_MM)) if text else text


def shown(value):
    """An indicator as the table shows it: text as written, numbers without trailing zeros, blank for NULL."""
    if value is None or (isinstance(value, QVariant) and value.isNull()):
        return ""
    if isinstance(value, float):
        return "{:g}".format(value)
    return str(value).strip()


class DetailedSheets:
    """The layers a detailed plan's sheets draw, made once in the map sheets' private project (SheetData)."""

    def __init__(self, data):
        self.data, self.project, self.crs = data, data.project, data.crs
        self.found = data.plan.get("GHYDYH")                     # the plan's parcels (GHDK serves as its land use)
        self.parcels, self.counts = self._parcel_layer()
        self.blocks = self._block_layer("街区界线", OUTLINE_CURRENT, OUTLINE_OTHER)
        self.located = self._block_layer("区位", OVERVIEW_CURRENT, OUTLINE_OTHER)
        self.lines = [(key, layer) for key, layer in ((key, self._either(key)) for key in LINES) if layer is not None]
        self.extent = data.extent or self._styled(data.onemap, "GHFW")
        self.units = self._styled(data.onemap, "GHDY") if data.onemap is not None else None

    @property
    def sheet_count(self):
        """The sheets export_detailed_sheets renders: 土地使用规划图 and a 图则 per 街区 (the atlas's pages)."""
        return 1 + self.blocks.featureCount()

    # -- layers
    def _styled(self, source, key):
        found = source.get(key) if source is not None else None
        if found is None:
            return None
        layer = source.open_layer(key)
        code = found.spec.field_for("code")
        apply_style(layer, key, found.fields.get(code.name) if code else None)
        layer.setName(found.spec.zh)
        self.project.addMapLayer(layer, False)
        return layer

    def _either(self, key):
        """The plan's own layer (what it puts into effect), else the one map's."""
        return self._styled(self.data.plan, key) or self._styled(self.data.onemap, key)

    def _value(self, feature, canonical):
        actual = self.found.fields.get(canonical)
        return feature[actual] if actual is not None else None

    def _parcel_layer(self):
        """The parcels as the table lists and the map labels them (a memory copy with the 图则's columns), and
        how many each 街区 has."""
        layer = memory_layer(self.crs, "地块编号", [name for name, _heading, _width in COLUMNS] + ["JQBH"])
        sources = [source for source in self.data.landuse.getFeatures() if source.hasGeometry()]
        hectares = EllipsoidalAreas(self.crs, self.project.transformContext(), CGCS2000_ELLIPSOID).of_geometries(
            [source.geometry() for source in sources]) / M2_PER_HA
        rows = []
        for source, area_ha in zip(sources, hectares.tolist()):
            geometry = source.geometry()
            number = shown(self._value(source, "DKBH"))
            code = shown(self._value(source, "YDYHFLDM"))
            lower, upper = shown(self._value(source, "RJLXX")), shown(self._value(source, "RJLSX"))
            feature = QgsFeature(layer.fields())
            feature.setGeometry(geometry)
            texts = [number, code, shown(self._value(source, "YDYHFLMC")) or code_list("ydyh").name(code),
                     "{:.4f}".format(area_ha), "{}-{}".format(lower, upper) if lower and upper else upper,
                     shown(self._value(source, "JZMDSX")), shown(self._value(source, "LDLXX")),
                     shown(self._value(source, "JZXG"))]
            feature.setAttributes([cell(value, width) for value, (_name, _heading, width) in zip(texts, COLUMNS)]
                                  + [self._block_of(source, number)])
            rows.append(feature)
        rows.sort(key=lambda f: (f["JQBH"], f["DKBH"]))
        add_all(layer, rows, lambda f: "街区 {} 的地块 {}".format(named(f["JQBH"]), named(f["DKBH"])))
        layer.setRenderer(QgsNullSymbolRenderer())             # labels only: the styled parcels lie beneath
        layer.setLabeling(QgsVectorLayerSimpleLabeling(self._label_settings()))
        layer.setLabelsEnabled(True)
        self.project.addMapLayer(layer, False)
        return layer, Counter(row["JQBH"] for row in rows)

    def _block_of(self, feature, number):
        block = shown(self._value(feature, "JQBH"))
        if not block and "-" in number:
            block = number.rpartition("-")[0]
        return block or shown(self._value(feature, "DYBH"))

    @staticmethod
    def _label_settings():
        settings = QgsPalLayerSettings()
        settings.fieldName = "DKBH"
        settings.setFormat(fonts.label_format(7.0, (20, 20, 20), 0.6))
        return settings

    def _block_layer(self, name, current, other):
        """街区 polygons (the parcels of a block dissolved), the page's own drawn as `current`; roads-only blocks
        are left out."""
        layer = memory_layer(self.crs, name, ["JQBH"])
        groups, codes = defaultdict(list), defaultdict(set)
        for parcel in self.parcels.getFeatures():
            if parcel["JQBH"]:
                groups[parcel["JQBH"]].append(parcel.geometry())
                codes[parcel["JQBH"]].add(parcel["YDDM"])
        blocks = []
        for block in sorted(groups):
            if codes[block] <= {ROAD}:
                continue
            feature = QgsFeature(layer.fields())
            feature.setGeometry(QgsGeometry.unaryUnion(groups[block]))
            feature.setAttributes([block])
            blocks.append(feature)
        add_all(layer, blocks, lambda f: "街区 {}".format(named(f["JQBH"])))
        renderer = QgsRuleBasedRenderer(QgsFillSymbol.createSimple(other))
        root = renderer.rootRule()
        root.removeChildAt(0)
        for symbol, expression, label in ((current, "@atlas_featureid = $id", "本图则街区"),
                                          (other, "@atlas_featureid IS NULL OR @atlas_featureid <> $id", "其他街区")):
            root.appendChild(QgsRuleBasedRenderer.Rule(QgsFillSymbol.createSimple(symbol), 0, 0, expression, label))
        layer.setRenderer(renderer)
        self.project.addMapLayer(layer, False)
        return layer

    def entries(self, with_blocks):
        """The sheet's layers, top first: labels, (街区), 四线, 规划范围, 规划单元, parcels."""
        found = [SheetLayer(self.parcels, "labels", in_legend=False)]
        if with_blocks:
            found.append(SheetLayer(self.blocks, "blocks"))
        found += [SheetLayer(layer, key, layer.name()) for key, layer in self.lines]
        if self.extent is not None:
            found.append(SheetLayer(self.extent, "GHFW", "规划范围"))
        if self.units is not None:
            found.append(SheetLayer(self.units, "GHDY", "规划单元"))
        return found + [SheetLayer(self.data.landuse, "GHYDYH")]


class WholePlan:
    """What mapsheets.build_sheet reads of its data, for the 土地使用规划图 (no atlas: the whole plan)."""

    def __init__(self, sheets):
        data = sheets.data
        self.project, self.crs, self.code_field, self.landuse, self.boundary, self.area_name = (
            data.project, data.crs, data.code_field, data.landuse, None, data.area_name)
        self._entries = sheets.entries(with_blocks=False)

    def sheet_layers(self, _sheet):
        return self._entries


def export_detailed_sheets(sheets, staged, progress, numbers, title="", compiler="", date="", paper="A3"):
    """Render 土地使用规划图 and one 图则 per 街区 (A3) of `sheets` (DetailedSheets), PDF and PNG, into the set
    being staged (sheet_files.SheetSet) as <numbers[0]>_土地使用规划图 and <numbers[1]>_图则_<街区>; returns
    [Written]. Each sheet is a step of `progress` (mapsheets.Progress: a cancel raises). A 街区's number becomes
    a safe file name (sheet_files.safe_name); a folder or a foreign file where a 图则 would go is refused before
    the set is committed."""
    data = sheets.data
    name = os.path.splitext(os.path.basename(os.path.normpath(data.plan.path)))[0]
    area = QgsGeometry.fromRect((sheets.extent or data.landuse).extent())
    title = title or data.title(Village(name, area))
    progress.next()
    layout = build_sheet(WholePlan(sheets), "landuse", LANDUSE_SHEET, Village(name, area), paper, title, compiler, date)
    written = [_write(layout, staged, "{:02d}_{}".format(numbers[0], LANDUSE_SHEET), Written(name, LANDUSE_SHEET))]
    tuze, taken = Tuze(sheets, area), set()
    for block in tuze.pages(progress):
        pages = tuze.fill("{}　图则　街区 {}".format(title, named(block)), compiler, date, block)
        base = unique_name(safe_name(str(block), "街区"), taken)
        taken.update(name.casefold() for name in continued(base, pages))         # its 续表 PNGs' stems
        stem = "{:02d}_图则_{}".format(numbers[1], base)
        check_targets([staged.target(file) for file in sheet_files(stem, pages)])
        written.append(_write(tuze.layout, staged, stem, Written(name, "图则 {}".format(block)), pages))
    return written


def legend_note(left_out, fits):
    """What the footnote says of a legend its box could not hold whole (the 土地使用规划图's lists every class)."""
    if fits and not left_out:
        return ""
    listed = "：{}".format("、".join(left_out)) if left_out else ""
    return "图例框容量不足，{}未列入图例{}，见土地使用规划图图例。".format("" if fits else "部分图例", listed)


def continued(stem, pages):
    """The stems QGIS gives the PNGs of a layout's further pages: <stem>_2 … <stem>_<pages>."""
    return ["{}_{}".format(stem, page) for page in range(2, pages + 1)]


def sheet_files(stem, pages=1):
    """The files a sheet of `pages` pages is written as: <stem>.pdf, <stem>.png and a PNG per further page."""
    return [stem + extension for extension in EXTENSIONS] + [name + ".png" for name in continued(stem, pages)]


def sheet_names(numbers):
    """Patterns (regular expressions) of the file stems export_detailed_sheets writes: an earlier set's are
    replaced by the new one."""
    return [re.escape("{:02d}_{}".format(numbers[0], LANDUSE_SHEET)), re.escape("{:02d}_图则_".format(numbers[1])) + ".+"]


def _write(layout, staged, stem, done, pages=1):
    """The layout of `pages` pages as sheet_files(stem, pages)."""
    export_pdf(layout, staged.path(stem + ".pdf"))
    export_png(layout, staged.path(stem + ".png"))
    done.files.extend(staged.target(file) for file in sheet_files(stem, pages))
    return done


class Tuze:
    """The 图则 template with its map, 区位图, table and atlas over the 街区; each page filled by fill()."""

    def __init__(self, sheets, area):
        self.sheets, self.entries = sheets, sheets.entries(with_blocks=True)
        self.layout = layout = load_template("tuze_A3.qpt", sheets.project)
        layout.setName(LANDUSE_SHEET + " 图则")
        sheets.project.layoutManager().addLayout(layout)  # the project owns it: it goes before the project does,
                                                          # even while a cancel's traceback holds this Tuze
        layout.renderContext().setPredefinedScales([float(scale) for scale in NICE_SCALES])
        self.map, overview = layout.itemById("map"), layout.itemById("overview")
        self.map.setCrs(sheets.crs)
        self.map.setLayers([entry.layer for entry in self.entries])
        self.map.setKeepLayerSet(True)
        self.map.setExtent(fit_extent(area.boundingBox(), self.map.rect().width() / self.map.rect().height()))
        overview.setCrs(sheets.crs)
        overview.setLayers([sheets.located] + ([sheets.extent] if sheets.extent is not None else [])
                           + [sheets.data.muted])
        overview.setKeepLayerSet(True)
        overview.setExtent(fit_extent(area.boundingBox(), overview.rect().width() / overview.rect().height(), 0.08))
        atlas = layout.atlas()
        atlas.setCoverageLayer(sheets.blocks)
        atlas.setPageNameExpression('"JQBH"')
        atlas.setEnabled(True)
        self.map.setAtlasDriven(True)
        self.map.setAtlasScalingMode(QgsLayoutItemMap.AtlasScalingMode.Predefined)
        self.map.setAtlasMargin(0.12)
        self.table = table = next(item for item in layout.multiFrames()
                                  if isinstance(item, QgsLayoutItemAttributeTable))
        table.setVectorLayer(sheets.parcels)
        columns = []
        for field, heading, width in COLUMNS:
            column = QgsLayoutTableColumn(heading)
            column.setAttribute(field)
            column.setWidth(width)
            columns.append(column)
        table.setColumns(columns)
        table.setFilterFeatures(True)
        table.setFeatureFilter("\"JQBH\" = attribute(@atlas_feature, 'JQBH')")    # the page's 街区: the atlas decides
        self.legend = next(item for item in layout.items() if isinstance(item, QgsLayoutItemLegend))
        self.legend_fit = LegendFit(self.legend)
        self.scalebar = next(item for item in layout.items() if isinstance(item, QgsLayoutItemScaleBar))

    def pages(self, progress):
        """The 街区 of each page in turn, the atlas standing on it; a step of `progress` each (a cancel raises
        here, so the atlas ends its render at once, not whenever the generator is collected)."""
        atlas = self.layout.atlas()
        atlas.beginRender()
        try:
            for page in range(atlas.count()):
                progress.next()
                atlas.seekTo(page)
                yield self.layout.reportContext().feature()["JQBH"]
        finally:
            atlas.endRender()

    def fill(self, title, compiler, date, block):
        """The page's legend (only what its map shows), scale bar, texts and the table's note; returns the number
        of pages the 街区's 图则 has (1 + its 续表 pages)."""
        sheets = self.sheets
        shown_area = QgsGeometry.fromRect(self.map.extent())
        present = {id(entry): present_classes(entry.layer, shown_area, sheets.crs,
                                              sheets.data.code_field if entry.layer is sheets.data.landuse else None)
                   for entry in self.entries if entry.layer is not sheets.blocks}
        current = sheets.blocks.renderer().rootRule().children()[0].ruleKey()
        present.update({id(entry): {current: {""}} for entry in self.entries if entry.layer is sheets.blocks})
        notes = footnote(self.entries, present) or "注："
        left_out, fits = self._fill_legend(present)
        scale = int(round(self.map.scale()))
        self.scalebar.setUnitsPerSegment(nice_length(scale * self.map.rect().width() / 16.0 / 1000.0))
        self.scalebar.update()
        pages, note = self._table_pages(sheets.counts[block])
        variables = {"onemap_title": title, "onemap_compiler": compiler or "", "onemap_date": date or today(),
                     "onemap_scale": str(scale), "onemap_crs": crs_note(sheets.crs),
                     "onemap_footnote": notes + legend_note(left_out, fits) + AREA_NOTE,
                     "onemap_table_note": note, "onemap_pages": str(pages),
                     "onemap_page_note": "第 1 页 共 {} 页　　".format(pages) if pages > 1 else ""}
        for name, value in variables.items():
            QgsExpressionContextUtils.setLayoutVariable(self.layout, name, value)
        self.layout.refresh()
        return pages

    def _fill_legend(self, present):
        """The page's legend fitted into its box (sheet_layout.LegendFit); when even the smallest step does not
        fit, land-use classes are left out of it — the neighbours' before the 街区's own, last in code order
        first. Returns (labels left out, whether the legend fits now); `present` loses what is left out."""
        landuse = next(entry for entry in self.entries if entry.layer is self.sheets.data.landuse)
        classes = present.get(id(landuse), {})
        own = set(present_classes(landuse.layer, self.layout.reportContext().feature().geometry(), self.sheets.crs))
        labels = {item.ruleKey(): item.label() for item in landuse.layer.renderer().legendSymbolItems()}
        droppable = sorted((key for key in classes if key in labels and key not in else_keys(landuse.layer)),
                           key=lambda key: (key not in own, class_key(landuse.key, labels[key])))
        left_out = []
        while True:
            fill_legend(self.legend, self.entries, present)
            fits = self.legend_fit.fit()
            if fits or not droppable:
                return sorted(left_out, key=lambda label: class_key(landuse.key, label)), fits
            key = droppable.pop()
            del classes[key]
            left_out.append(legend_label(labels[key]))

    def _table_pages(self, parcels):
        """(pages the 图则 exports, the note on them) for a 街区 of `parcels` parcels, the table filled for it:
        the template's 续表 pages hide themselves while their frames are empty."""
        self.table.refreshAttributes()
        context = QgsLayoutUtils.createRenderContextForLayout(self.layout, None)
        listed = max(self.table.rowRange(context, index)[1] for index in range(self.table.frameCount()))
        for frame in self.table.frames()[1:]:
            frame.setVisibility(not frame.isEmpty())        # no lone header beside the last rows of a 续表 page
        collection = self.layout.pageCollection()
        pages = sum(1 for page in range(collection.pageCount()) if collection.shouldExportPage(page))
        note = "本街区共 {} 个地块".format(parcels)
        if pages > 1:
            note += "；地块控制指标一览表共 {} 页，续表在第 2{} 页".format(pages, "–{}".format(pages) if pages > 2 else "")
        if listed < parcels:
            note += "；表中只列出前 {} 个，其余 {} 个超出图则续表的容量，未列出".format(listed, parcels - listed)
        return pages, note + "。"
