"""Loads a conflictmap QGIS project headless and reports, as JSON on stdout, what QGIS
makes of it: every layer's validity, type, renderer and temporal settings, the project
CRS, extent and time range; and renders the project for two years into PNGs.

    QT_QPA_PLATFORM=offscreen python3 check_project.py PROJECT.qgs OUT_DIR YEAR YEAR
"""
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsDateTimeRange,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QSize, QTime, Qt  # noqa: E402

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
print(json.dumps(report))
app.exitQgis()
