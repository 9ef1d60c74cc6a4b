"""Opens conflictmap's events.mbtiles in QGIS as a vector tile layer (headless) and
reports, as JSON on stdout, whether the layer is valid, its zooms and CRS; then renders
it with QGIS's default vector tile style into a PNG (EPSG:3857, the given extent in
degrees), so the caller can see that QGIS decodes and draws the points.

    QT_QPA_PLATFORM=offscreen python3 check_vector_tiles.py EVENTS.mbtiles OUT.png W S E N
"""
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
    QgsVectorTileLayer,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

path, png, *bbox = sys.argv[1:]
app = QgsApplication([], False)
app.initQgis()
layer = QgsVectorTileLayer("type=mbtiles&url=" + path, "events")
report = {"valid": layer.isValid()}
if layer.isValid():
    report["zooms"] = [layer.sourceMinZoom(), layer.sourceMaxZoom()]
    report["crs"] = layer.crs().authid()
    report["renderer"] = layer.renderer().type() if layer.renderer() else None
    mercator = QgsCoordinateReferenceSystem("EPSG:3857")
    to_mercator = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"), mercator, QgsProject.instance()
    )
    w, s, e, n = (float(v) for v in bbox)
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(mercator)
    settings.setExtent(to_mercator.transformBoundingBox(QgsRectangle(w, s, e, n)))
    settings.setOutputSize(QSize(600, 400))
    settings.setBackgroundColor(QColor("white"))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(png)
print(json.dumps(report))
app.exitQgis()
