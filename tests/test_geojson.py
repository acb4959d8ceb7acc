"""District boundaries (tianping.core.geojson): what an uploaded GeoJSON must be, in Chinese
errors naming the file and the feature; matching by GB/T 2260 code or name; the schematic."""

import json

import pytest

from tianping.core import geojson
from tianping.core.errors import InputErrors, TianpingError

DISTRICTS = [("210202", "中山区（演示）"), ("210203", "西岗区"), ("210204", "沙河口区（演示）")]


def square(x, y, d=0.05):
    return [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False).encode()


def feature(props, coords=None, kind="Polygon"):
    return {"type": "Feature", "properties": props, "geometry": {"type": kind, "coordinates": coords or square(121.6, 38.9)}}


def test_matches_by_code_then_name_and_lists_the_rest():
    data = collection(feature({"adcode": 210203, "name": "西岗"}), feature({"name": "中山区"}),
                      feature({"name": "甘井子区"}), feature({"name": "旅顺口区", "adcode": "210212"}))
    b = geojson.read("大连.geojson", data)
    m = geojson.match(b, DISTRICTS)
    assert m.by_feature == {1: "210203", 2: "210202"}
    assert m.unmatched == ["甘井子区", "旅顺口区"] and m.missing == ["沙河口区（演示）"]
    fc = geojson.feature_collection(b, m)
    assert [f["properties"]["name"] for f in fc["features"]] == ["210203", "210202"]


@pytest.mark.parametrize("name, data, words", [
    ("map.shp", b"{}", ["map.shp", ".geojson"]),
    ("empty.geojson", b"  ", ["文件是空的"]),
    ("gbk.geojson", "{\"name\": \"西岗区\"}".encode("gbk"), ["UTF-8"]),
    ("broken.geojson", b'{"type": "FeatureCollection", "features": [', ["第1行", "不是有效的JSON"]),
    ("single.geojson", json.dumps({"type": "Feature"}).encode(), ["FeatureCollection", "Feature"]),
    ("none.geojson", collection(), ["没有要素"]),
])
def test_bad_files_are_named(name, data, words):
    with pytest.raises(TianpingError) as err:
        geojson.read(name, data)
    assert name in str(err.value) and all(w in str(err.value) for w in words), str(err.value)


def test_bad_features_all_reported():
    data = collection(feature({"name": "西岗区"}, [[121.6, 38.9]], kind="Point"),
                      feature({}),
                      feature({"name": "中山区"}, [[[500000, 4300000], [500100, 4300000], [500100, 4300100],
                                                    [500000, 4300000]]]),
                      feature({"name": "沙河口区"}, [[[121.6, 38.9], [121.7, 38.9]]]))
    with pytest.raises(InputErrors) as err:
        geojson.read("bad.geojson", data)
    messages = [str(e) for e in err.value.errors]
    assert len(messages) == 4
    assert "第1个要素（西岗区）" in messages[0] and "Point" in messages[0]
    assert "第2个要素" in messages[1] and "名称或行政区划代码" in messages[1]
    assert "第3个要素（中山区）" in messages[2] and "投影坐标" in messages[2]
    assert "第4个要素（沙河口区）" in messages[3] and "至少要有4个点" in messages[3]
    assert all("bad.geojson" in m for m in messages)


def test_too_big_refused_before_parsing():
    with pytest.raises(TianpingError, match="超过上限"):
        geojson.read("big.geojson", b" " * (geojson.MAX_BYTES + 1))


def test_schematic_is_labelled_and_reads_back():
    doc = geojson.schematic(DISTRICTS)
    assert geojson.SCHEMATIC_LABEL in doc["name"]
    assert all(f["properties"]["note"] == geojson.SCHEMATIC_LABEL for f in doc["features"])
    b = geojson.read("示意.geojson", json.dumps(doc, ensure_ascii=False).encode())
    assert b.schematic and len(b.features) == 3
    assert geojson.match(b, DISTRICTS).by_feature == {1: "210202", 2: "210203", 3: "210204"}
