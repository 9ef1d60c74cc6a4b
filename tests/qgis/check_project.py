"""Loads a conflictmap QGIS project headless and reports, as JSON on stdout, what QGIS
makes of it: every layer's validity, type, renderer and temporal settings, the project
CRS, extent and time range, and its print layouts item by item; renders the project for
two years into PNGs, and exports the first layout to OUT_DIR/layout.png.

    QT_QPA_PLATFORM=offscreen python3 check_project.py PROJECT.qgs OUT_DIR YEAR YEAR
"""
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsDateTimeRange,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsUnitTypes,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QSize, QTime, Qt  # noqa: E402
from qgis.PyQt.QtGui import QImage  # noqa: E402

project_path, out_dir, *years = sys.argv[1:]
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
report = {"read": project.read(project_path), "layers": []}
report["crs_valid"] = project.crs().isValid()
report["crs_proj"] = project.crs().toProj()
ext = project.viewSettings().defaultViewExtent()
report["extent"] = [ext.xMinimum(), ext.yMinimum(), ext.xMaximum(), ext.yMaximum()]
tr = project.timeSettings().temporalRange()
report["time_range"] = [tr.begin().toString(Qt.ISODate), tr.end().toString(Qt.ISODate)]
report["title"] = project.title()

report["abstract"] = project.metadata().abstract()
root = project.layerTreeRoot()
report["groups"] = [g.name() for g in root.children()]
for layer in project.mapLayers().values():
    item = {
        "name": layer.name(),
        "valid": layer.isValid(),
        "type": layer.type(),
        "feature_count": layer.featureCount() if hasattr(layer, "featureCount") else None,
        "in_tree": root.findLayer(layer.id()) is not None,
        "visible": bool(root.findLayer(layer.id()) and root.findLayer(layer.id()).isVisible()),
        "id": layer.id(),
    }
    if hasattr(layer, "renderer") and layer.renderer() is not None:
        item["renderer"] = layer.renderer().type()
    if layer.type() == 0:  # vector
        item["labels"] = layer.labelsEnabled()
    tp = layer.temporalProperties()
    item["temporal_active"] = tp.isActive()
    if layer.type() == 0 and tp.isActive():
        item["temporal_start_field"] = tp.startField()
    if layer.type() == 1 and tp.isActive():
        r = tp.fixedTemporalRange()
        item["temporal_range"] = [r.begin().toString(Qt.ISODate), r.end().toString(Qt.ISODate)]
        shader = layer.renderer().shader() if hasattr(layer.renderer(), "shader") else None
        if shader is not None:
            item["range"] = [shader.minimumValue(), shader.maximumValue()]
            legend = shader.rasterShaderFunction().legendSettings()
            item["legend_ends"] = [legend.minimumLabel(), legend.maximumLabel()]
    report["layers"].append(item)

order = [l for l in root.layerOrder() if root.findLayer(l.id()) and root.findLayer(l.id()).isVisible()]
for year in years:
    settings = QgsMapSettings()
    settings.setLayers(order)
    settings.setDestinationCrs(project.crs())
    settings.setExtent(ext)
    settings.setOutputSize(QSize(600, 450))
    settings.setIsTemporal(True)
    y = int(year)
    settings.setTemporalRange(
        QgsDateTimeRange(
            QDateTime(QDate(y, 1, 1), QTime(0, 0, 0), Qt.UTC),
            QDateTime(QDate(y + 1, 1, 1), QTime(0, 0, 0), Qt.UTC),
            True,
            False,
        )
    )
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(os.path.join(out_dir, f"qgis_{y}.png"))


def linked(item):
    return item.linkedMap().id() if item.linkedMap() else None


def layout_report(layout):
    """Every item of `layout` as QGIS reads it (sizes and positions in mm)."""
    items = []
    for it in layout.items():
        if isinstance(it, QgsLayoutItemMap):
            e = it.extent()
            r = it.temporalRange()
            items.append({
                "kind": "map", "id": it.id(),
                "extent": [e.xMinimum(), e.yMinimum(), e.xMaximum(), e.yMaximum()],
                "crs_proj": it.crs().toProj(), "locked_layers": it.keepLayerSet(),
                "temporal": it.isTemporal(),
                "temporal_range": [r.begin().toString(Qt.ISODate), r.end().toString(Qt.ISODate)],
                "rect": [it.pos().x(), it.pos().y(), it.rect().width(), it.rect().height()],
            })
        elif isinstance(it, QgsLayoutItemLegend):
            items.append({
                "kind": "legend", "map": linked(it), "auto_update": it.autoUpdateModel(),
                "layers": [n.layerId() for n in it.model().rootGroup().findLayers()],
            })
        elif isinstance(it, QgsLayoutItemScaleBar):
            items.append({
                "kind": "scalebar", "map": linked(it), "unit_label": it.unitLabel(),
                "kilometres": it.units() == QgsUnitTypes.DistanceKilometers,
                "units_per_segment": it.unitsPerSegment(), "segments": it.numberOfSegments(),
            })
        elif isinstance(it, QgsLayoutItemPicture):
            items.append({
                "kind": "picture", "map": linked(it), "path": it.picturePath(),
                "missing": it.isMissingImage(),
            })
        elif isinstance(it, QgsLayoutItemLabel):
            items.append({"kind": "label", "id": it.id(), "text": it.currentText()})
    return {"name": layout.name(), "pages": layout.pageCollection().pageCount(), "items": items}


def map_ink(layout, path, dpi=100):
    """Exports `layout` to `path` and returns the share of non-white pixels inside its
    map item's frame."""
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = dpi
    settings.generateWorldFile = False
    result = QgsLayoutExporter(layout).exportToImage(path, settings)
    if result != QgsLayoutExporter.Success:
        return {"export": result}
    image = QImage(path)
    m = next(it for it in layout.items() if isinstance(it, QgsLayoutItemMap))
    px = dpi / 25.4
    x0, y0 = int(m.pos().x() * px) + 3, int(m.pos().y() * px) + 3
    x1, y1 = int((m.pos().x() + m.rect().width()) * px) - 3, int((m.pos().y() + m.rect().height()) * px) - 3
    ink = total = 0
    for y in range(y0, y1, 2):
        for x in range(x0, x1, 2):
            total += 1
            if image.pixel(x, y) & 0xFFFFFF != 0xFFFFFF:
                ink += 1
    # The same page with the map not temporal: every year's events and densities at once.
    m.setIsTemporal(False)
    untimed = os.path.join(os.path.dirname(path), "layout_untimed.png")
    QgsLayoutExporter(layout).exportToImage(untimed, settings)
    m.setIsTemporal(True)
    other = QImage(untimed)
    differ = sum(
        image.pixel(x, y) != other.pixel(x, y)
        for y in range(y0, y1, 2)
        for x in range(x0, x1, 2)
    )
    return {
        "export": result,
        "size": [image.width(), image.height()],
        "map_ink": ink / max(total, 1),
        "differs_from_all_years": differ / max(total, 1),
    }


layouts = project.layoutManager().printLayouts()
report["layouts"] = [layout_report(l) for l in layouts]
if layouts:
    report["layout_png"] = map_ink(layouts[0], os.path.join(out_dir, "layout.png"))
print(json.dumps(report))
app.exitQgis()
