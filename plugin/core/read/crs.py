"""CGCS2000 coordinate systems: recognising them, guessing a missing one, choosing the working CRS.

3° Gauss-Krüger zones 25–45: EPSG:4488+zone with the zone number in x (8-digit x values),
EPSG:4509+zone without it; 6° zones EPSG:4491–4512; EPSG:4490 geographic.
"""
import math

from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsCsException, QgsPointXY

from ..errors import OneMapError

CGCS2000_EPSG = set(range(4490, 4555)) | {4479, 4480}
ZONES_3DEG = range(25, 46)
PREFIXED_X = 10000000          # an x of 8 digits carries its zone number (带号)


def epsg_code(crs):
    authid = crs.authid() if crs.isValid() else ""
    return int(authid.split(":")[1]) if authid.upper().startswith("EPSG:") and authid[5:].isdigit() else None


def is_cgcs2000(crs):
    """True for the CGCS2000 family, also when a .prj names it without an EPSG code."""
    if not crs.isValid():
        return False
    code = epsg_code(crs)
    if code is not None:
        return code in CGCS2000_EPSG
    wkt = crs.toWkt().upper()
    return "CGCS2000" in wkt or "CGCS_2000" in wkt or "CHINA GEODETIC COORDINATE SYSTEM 2000" in wkt


def is_defined(crs):
    """False for no CRS and for GeoPackage's placeholders (srs_id 0 'Undefined geographic SRS',
    -1 'Undefined Cartesian SRS') and other local or unknown-datum systems: none says where on Earth."""
    if not crs.isValid():
        return False
    if crs.authid():
        return True
    wkt = crs.toWkt().upper()
    return not (wkt.startswith(("LOCAL_CS", "ENGCRS", "ENGINEERINGCRS")) or 'DATUM["UNKNOWN"' in wkt
                or "UNDEFINED" in crs.description().upper())


def prefixed_zone(x_min, x_max):
    """The 3° zone an 8-digit zone-prefixed x range lies in, or None."""
    zones = {int(x // 1000000) if PREFIXED_X <= x < 100000000 else None for x in (x_min, x_max)}
    if len(zones) == 1 and next(iter(zones)) in ZONES_3DEG:
        return next(iter(zones))
    return None


def crs_for_prefixed_zone(zone):
    return QgsCoordinateReferenceSystem("EPSG:{}".format(4488 + zone))


def working_crs(crs, extent, transform_context):
    """The unprefixed 3° Gauss-Krüger CRS of the zone holding the extent's centre.

    All areas are computed there, so the answers do not depend on the inputs' projection.
    """
    geographic = QgsCoordinateReferenceSystem("EPSG:4490")
    point = QgsPointXY(extent.center())
    centre = QgsCoordinateTransform(crs, geographic, transform_context).transform(point)
    if not _plausible(crs, point, centre):
        raise OneMapError("QGIS 的坐标转换返回了无效结果（{} → EPSG:4490：({:.2f}, {:.2f}) → ({:.6f}, {:.6f})），为免算错未继续核对；"
                          "请重新启动 QGIS 后再核对".format(crs.authid(), point.x(), point.y(), centre.x(), centre.y()),
                          "QGIS's coordinate transformation gave an unusable result ({} -> EPSG:4490: ({:.2f}, {:.2f}) -> "
                          "({:.6f}, {:.6f})); the check stopped rather than compute in the wrong zone — restart QGIS "
                          "and check again".format(crs.authid(), point.x(), point.y(), centre.x(), centre.y()))
    zone = int((centre.x() + 1.5) // 3)
    zone = min(max(zone, ZONES_3DEG.start), ZONES_3DEG.stop - 1)
    return QgsCoordinateReferenceSystem("EPSG:{}".format(4509 + zone))


def reaches_ellipsoid(crs, extent, transform_context):
    """Whether the centre and the four corners of `extent` (in `crs`) have a longitude and latitude: False
    for coordinates the projection cannot invert, such as x carrying a zone number (带号) in a CRS without
    one — in a whole layer, or in one stray feature that stretches its extent (the centre alone can still
    invert: 13 000 km east of a meridian does)."""
    transform = QgsCoordinateTransform(crs, QgsCoordinateReferenceSystem("EPSG:4490"), transform_context)
    corners = [extent.center()] + [QgsPointXY(x, y) for x in (extent.xMinimum(), extent.xMaximum())
                                   for y in (extent.yMinimum(), extent.yMaximum())]
    for point in map(QgsPointXY, corners):
        try:
            if not _plausible(crs, point, transform.transform(point)):
                return False
        except QgsCsException:
            return False
    return True


def outside_text(crs, extent):
    """'坐标（x …，y …）不在坐标系 … 的范围内（what to do）' for features spanning `extent` that `crs` cannot place."""
    return "坐标（x {:.0f}–{:.0f}，y {:.0f}–{:.0f}）不在坐标系 {} 的范围内（{}）".format(
        extent.xMinimum(), extent.xMaximum(), extent.yMinimum(), extent.yMaximum(), crs.authid(),
        prefix_hint(crs, extent.xMinimum(), extent.xMaximum()))


def prefix_hint(crs, x_min, x_max):
    """What to do about x values from x_min to x_max that `crs` cannot place: 带号 where the CRS has none, none
    where it has one, or some features with and some without."""
    code = epsg_code(crs)
    crs_zone = code - 4488 if code is not None and 4513 <= code <= 4533 else None      # a 3° CRS with 带号
    zone = prefixed_zone(x_min, x_max)
    if zone is not None and crs_zone is None:
        return "x 坐标带 {} 带号，而 {} 不带带号：请去掉 x 的带号，或将坐标系定义为 {}".format(
            zone, crs.authid(), crs_for_prefixed_zone(zone).authid())
    if crs_zone is not None and x_max < PREFIXED_X:
        return "x 坐标不带带号，而 {} 要求 {} 带号：请给 x 加上带号，或将坐标系定义为 EPSG:{}".format(
            crs.authid(), crs_zone, 4509 + crs_zone)
    if x_min < PREFIXED_X <= x_max:
        return "x 坐标有的带带号、有的不带（x 从 {:.0f} 到 {:.0f}）：请找出与其他要素不同的要素并改正".format(x_min, x_max)
    return "带号或坐标系定义有误？"


def _plausible(crs, point, lonlat):
    """A longitude and latitude, finite and in range; from a projected CRS, not its input unchanged (QGIS 3.40/3.44
    can hand a new task thread a transform that returns its input: see core/threads.py)."""
    lon, lat = lonlat.x(), lonlat.y()
    if not (math.isfinite(lon) and math.isfinite(lat) and -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        return False
    return crs.isGeographic() or (lon, lat) != (point.x(), point.y())
