"""District boundaries for the map: reading an uploaded GeoJSON (size, type, structure and
coordinates checked; every problem a Chinese message naming the file and the feature),
matching its features to regions by GB/T 2260 code or by name, and the demo's schematic
boundaries (hexagons, labelled 示意图，非真实边界 — no openly licensed boundary file of
大连市's districts is shipped).

Pure: the web layer (tianping.web.analysis) stores what ``read`` returns.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

from tianping.core.errors import InputErrors, Location, TianpingError
from tianping.core.figures import number

MAX_BYTES = 20 * 1024 * 1024
MAX_FEATURES = 1000
MAX_POINTS = 2_000_000
SUFFIXES = (".geojson", ".json")
NAME_KEYS = ("name", "NAME", "Name", "名称", "区县", "NAME_3", "NAME_2", "shapeName")
CODE_KEYS = ("adcode", "code", "CODE", "gb", "GB", "区划代码", "行政区划代码", "adm_code", "shapeID")
GEOMETRIES = ("Polygon", "MultiPolygon")
SCHEMATIC_LABEL = "示意图，非真实边界"


@dataclass
class Feature:
    index: int                     # 1-based position in the file
    name: str
    code: str
    geometry: dict


@dataclass
class Boundaries:
    name: str
    features: list[Feature]
    schematic: bool = False


@dataclass
class Match:
    """Which region each feature stands for (feature index → region code)."""

    by_feature: dict[int, str] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)      # features no region answers to
    missing: list[str] = field(default_factory=list)        # regions without a feature


def read(file_name: str, data: bytes) -> Boundaries:
    """The features of an uploaded GeoJSON FeatureCollection of Polygons/MultiPolygons in
    longitude/latitude; a TianpingError (or InputErrors, one per bad feature) otherwise."""
    where = Location(file=file_name)
    if not file_name.lower().endswith(SUFFIXES):
        raise TianpingError("不是GeoJSON文件：文件名应以 .geojson 或 .json 结尾", where)
    if len(data) > MAX_BYTES:
        raise TianpingError(f"文件大小{number(len(data) / 2**20, 1)} MB，超过上限{number(MAX_BYTES / 2**20, 0)} MB", where)
    if not data.strip():
        raise TianpingError("文件是空的", where)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise TianpingError(f"不是UTF-8编码的文本（第{err.start + 1}个字节无法解码）；请以UTF-8保存GeoJSON", where) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise TianpingError(f"第{err.lineno}行第{err.colno}列：不是有效的JSON（{err.msg}）", where) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        found = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise TianpingError(f"顶层“type”应为“FeatureCollection”，实为“{found}”", where)
    raw = doc.get("features")
    if not isinstance(raw, list) or not raw:
        raise TianpingError("没有要素（features 为空或缺失）", where)
    if len(raw) > MAX_FEATURES:
        raise TianpingError(f"要素{len(raw)}个，超过上限{MAX_FEATURES}个", where)
    errors: list[TianpingError] = []
    features: list[Feature] = []
    points = 0
    for i, item in enumerate(raw, 1):
        label = f"第{i}个要素"
        if not isinstance(item, dict) or item.get("type") != "Feature":
            errors.append(TianpingError(f"{label}：“type”应为“Feature”", where))
            continue
        raw_props = item.get("properties")
        props: dict = raw_props if isinstance(raw_props, dict) else {}
        name = next((str(props[k]).strip() for k in NAME_KEYS if props.get(k) not in (None, "")), "")
        code = next((str(props[k]).strip() for k in CODE_KEYS if props.get(k) not in (None, "")), "")
        if name:
            label += f"（{name[:30]}）"
        if not name and not code:
            errors.append(TianpingError(f"{label}：没有名称或行政区划代码（properties.name 或 properties.adcode）", where))
            continue
        raw_geometry = item.get("geometry")
        geometry: dict = raw_geometry if isinstance(raw_geometry, dict) else {}
        kind = geometry.get("type")
        if kind not in GEOMETRIES:
            errors.append(TianpingError(f"{label}：几何类型为“{kind or '空'}”，应为 Polygon 或 MultiPolygon", where))
            continue
        try:
            n = _check_coordinates(kind, geometry.get("coordinates"))
        except ValueError as err:
            errors.append(TianpingError(f"{label}：{err}", where))
            continue
        points += n
        if points > MAX_POINTS:
            raise TianpingError(f"坐标点超过{number(MAX_POINTS)}个；请先简化边界（如 mapshaper 的 simplify）", where)
        features.append(Feature(i, name, code, {"type": kind, "coordinates": geometry["coordinates"]}))
    if errors:
        raise InputErrors(errors)
    schematic = SCHEMATIC_LABEL in str(doc.get("name", "")) or bool(doc.get("schematic"))
    return Boundaries(str(doc.get("name") or file_name)[:200], features, schematic)


def _check_coordinates(kind: str, coords) -> int:
    """Number of points; ValueError (Chinese) for a malformed ring or a point off the globe."""
    polygons = [coords] if kind == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons:
        raise ValueError("坐标为空")
    n = 0
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ValueError("多边形坐标格式不对（应为环的列表）")
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                raise ValueError("多边形的环至少要有4个点（首尾相同）")
            for point in ring:
                if (not isinstance(point, list) or len(point) < 2
                        or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in point[:2])):
                    raise ValueError(f"坐标点“{str(point)[:40]}”不是[经度, 纬度]数对")
                lon, lat = point[0], point[1]
                if not (math.isfinite(lon) and math.isfinite(lat)) or not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    raise ValueError(f"坐标（{lon}, {lat}）超出经纬度范围；GeoJSON应使用WGS84经纬度，而非投影坐标")
                n += 1
    return n


def name_key(name: str) -> str:
    """A region name for matching: without a bracketed label such as （演示）, spaces, or the
    trailing 区/县/市/旗 (中山区 = 中山)."""
    key = re.sub(r"[（(][^）)]*[）)]", "", name or "")
    key = re.sub(r"\s+", "", key)
    return re.sub(r"(自治县|自治旗|区|县|市|旗)$", "", key) or key


def match(boundaries: Boundaries, regions: list[tuple[str, str]]) -> Match:
    """Each feature to one of ``regions`` ((code, name)): by its GB/T 2260 code, else by name."""
    by_code = {code: code for code, _name in regions}
    by_name: dict[str, str] = {}
    for code, name in regions:
        by_name.setdefault(name, code)
        by_name.setdefault(name_key(name), code)
    out = Match()
    taken: set[str] = set()
    for f in boundaries.features:
        code = f.code[:6] if f.code[:6].isdigit() else ""
        found = by_code.get(code) or by_name.get(f.name) or by_name.get(name_key(f.name))
        if found and found not in taken:
            out.by_feature[f.index] = found
            taken.add(found)
        else:
            out.unmatched.append(f.name or f.code)
    out.missing = [name for code, name in regions if code not in taken]
    return out


def feature_collection(boundaries: Boundaries, matched: Match) -> dict:
    """A GeoJSON for ECharts' registerMap: the matched features only, each named by its region
    code (properties.name), so the map's data join on codes, never on free text."""
    features = []
    for f in boundaries.features:
        code = matched.by_feature.get(f.index)
        if code:
            features.append({"type": "Feature", "properties": {"name": code, "label": f.name},
                             "geometry": f.geometry})
    return {"type": "FeatureCollection", "features": features}


def schematic(regions: list[tuple[str, str]], centre: tuple[float, float] = (121.6, 38.9),
              size: float = 0.06) -> dict:
    """Hexagons in a row of rows, one per region, around ``centre`` (lon, lat): an obviously
    schematic map labelled 示意图，非真实边界 in the collection's name and every feature."""
    per_row = max(1, math.ceil(math.sqrt(len(regions))))
    features = []
    for i, (code, name) in enumerate(regions):
        row, col = divmod(i, per_row)
        cx = centre[0] + (col - (per_row - 1) / 2) * size * math.sqrt(3) + (size * math.sqrt(3) / 2 if row % 2 else 0)
        cy = centre[1] - row * size * 1.5
        ring = [[round(cx + size * math.cos(math.radians(60 * k + 30)), 6),
                 round(cy + size * math.sin(math.radians(60 * k + 30)), 6)] for k in range(6)]
        ring.append(ring[0])
        features.append({"type": "Feature", "properties": {"name": name, "adcode": code, "note": SCHEMATIC_LABEL},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "name": f"区县{SCHEMATIC_LABEL}", "schematic": True, "features": features}
