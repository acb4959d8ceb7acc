"""Openings of plans from other places and levels, written after the public documents'
titles and notices (issuing line, document number, salutation, signature, date, title,
preface), each followed by a minimal plan body, so the parser reads them as plans.

Used by tests/test_plan_openings.py. The bodies are short on purpose: what is tested
is the metadata (region, code, level, kind, period) and that a combined plan keeps its
women's and children's areas apart.
"""

from __future__ import annotations

from dataclasses import dataclass

_WOMEN_AREAS = ("妇女与健康", "妇女与教育", "妇女与经济")
_CHILDREN_AREAS = ("儿童与健康", "儿童与安全", "儿童与教育")

_GOALS = {
    "妇女与健康": ("1.妇女在整个生命周期享有良好的卫生健康服务，妇女人均预期寿命延长。",
              "2.孕产妇死亡率控制在8/10万以下。"),
    "妇女与教育": ("1.高中阶段女生毛入学率达到98%以上。", "2.妇女平均受教育年限不断提高。"),
    "妇女与经济": ("1.女性就业人员占全社会就业人员的比例保持在45%左右。",),
    "儿童与健康": ("1.婴儿和5岁以下儿童死亡率分别控制在3‰和4‰以下。", "2.儿童青少年总体近视率力争每年降低0.5个百分点。"),
    "儿童与安全": ("1.儿童伤害死亡率以2020年数据为基数下降20%。",),
    "儿童与教育": ("1.学前教育毛入园率达到95%以上。", "2.九年义务教育巩固率保持在99%以上。"),
}


def plan_body(areas: tuple[str, ...], place: str = "全区") -> str:
    """一、指导思想… 二、发展领域… with the areas, 三、组织实施, 四、监测评估."""
    lines = ["一、指导思想、基本原则和总体目标", "（一）指导思想",
             f"坚持以习近平新时代中国特色社会主义思想为指导，{place}坚持男女平等基本国策。",
             "（二）基本原则", "坚持党的全面领导。", "（三）总体目标",
             f"到2030年，{place}妇女儿童发展环境更加优化。",
             "二、发展领域、主要目标和策略措施"]
    cn = "一二三四五六七八九十"
    for number, area in enumerate(areas):
        lines += [f"（{cn[number]}）{area}", "主要目标："]
        lines += list(_GOALS[area])
        lines += ["策略措施：", f"1.完善{area}工作机制。加强部门协作。", "2.加大投入。"]
    lines += ["三、组织实施", "（一）坚持党的全面领导。", "四、监测评估", "（一）加强监测评估制度建设。"]
    return "\n".join(lines)


@dataclass
class Opening:
    name: str
    text: str
    region: str
    code: str            # "" where the region table has no code
    level: str
    kinds: list[str]     # one per plan; a combined plan gives ["women", "children"]
    period: tuple[int, int]


def _doc(opening: str, areas, place="全区") -> str:
    return opening.strip("\n") + "\n" + plan_body(areas, place)


OPENINGS = [
    Opening("province", _doc("""
广东省人民政府关于印发广东省妇女发展规划和广东省儿童发展规划的通知
粤府〔2022〕3号
各地级以上市人民政府，省政府各部门、各直属机构：
现将《广东省妇女发展规划（2021—2030年）》《广东省儿童发展规划（2021—2030年）》印发给你们，请认真组织实施。实施中遇到的问题，请径向省妇儿工委办公室反映。
广东省人民政府
2022年1月7日
广东省妇女发展规划（2021—2030年）
前言
妇女是人类文明的开创者、社会进步的推动者。“十三五”时期，全省妇女发展环境不断优化。
""", _WOMEN_AREAS, "全省"), "广东省", "440000", "province", ["women"], (2021, 2030)),

    Opening("city", _doc("""
西安市人民政府关于印发西安市妇女发展规划（2021—2030年）的通知
市政发〔2022〕5号
各区、县人民政府，市人民政府各工作部门、各直属机构：
现将《西安市妇女发展规划（2021—2030年）》印发给你们，请认真贯彻执行。
西安市人民政府
2022年3月8日
西安市妇女发展规划
（2021—2030年）
前言
发展妇女事业，是西安建设国家中心城市的重要内容。
""", _WOMEN_AREAS, "全市"), "西安市", "610100", "city", ["women"], (2021, 2030)),

    Opening("county", _doc("""
安吉县人民政府关于印发安吉县儿童发展规划（2021—2030年）的通知
安政发〔2022〕11号
各乡镇人民政府、街道办事处，县政府各部门、各直属单位：
现将《安吉县儿童发展规划（2021—2030年）》印发给你们，请结合实际，认真贯彻落实。
安吉县人民政府
2022年4月2日
安吉县儿童发展规划（2021—2030年）
前言
儿童是国家的未来、民族的希望。湖州市安吉县历来重视儿童事业发展。
""", _CHILDREN_AREAS, "全县"), "安吉县", "330523", "district", ["children"], (2021, 2030)),

    # The signature and the date stand on lines of their own just above the title: the
    # date line must not become part of the region ("7日长宁区").
    Opening("district after a date line", _doc("""
上海市长宁区人民政府关于印发《长宁区妇女发展“十四五”规划》的通知
长府发〔2021〕18号
区政府各委、办、局，各街道办事处、镇政府：
《长宁区妇女发展“十四五”规划》已经区政府常务会议审议通过，现印发给你们，请认真按照执行。
上海市长宁区人民政府
2021年12月7日
长宁区妇女发展“十四五”规划
前言
“十三五”期间，长宁区妇女事业取得长足进步。
""", _WOMEN_AREAS), "长宁区", "310105", "district", ["women"], (2021, 2025)),

    Opening("combined", _doc("""
北京市人民政府关于印发《北京市“十四五”时期妇女儿童发展规划》的通知
京政发〔2021〕27号
各区人民政府，市政府各委、办、局，各市属机构：
现将《北京市“十四五”时期妇女儿童发展规划》印发给你们，请认真贯彻落实。
北京市人民政府
2021年8月16日
（此件公开发布）
北京市“十四五”时期妇女儿童发展规划
前言
妇女儿童事业发展是首都经济社会发展的重要组成部分。
""", _WOMEN_AREAS + _CHILDREN_AREAS, "全市"), "北京市", "110000", "province", ["women", "children"], (2021, 2025)),

    Opening("fourteenth five-year plan of a city", _doc("""
杭州市儿童发展“十四五”规划
前言
为促进杭州市儿童事业全面发展，根据《中国儿童发展纲要（2021—2030年）》，结合杭州实际，制定本规划。
""", _CHILDREN_AREAS, "全市"), "杭州市", "330100", "city", ["children"], (2021, 2025)),

    Opening("national outline", _doc("""
国务院关于印发中国妇女发展纲要和中国儿童发展纲要的通知
国发〔2021〕16号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
现将《中国妇女发展纲要（2021—2030年）》和《中国儿童发展纲要（2021—2030年）》印发给你们，请认真贯彻执行。
国务院
2021年9月8日
（此件公开发布）
中国妇女发展纲要
（2021—2030年）
前言
妇女是人类文明的开创者、社会进步的推动者，是全面建设社会主义现代化国家的重要力量。
""", _WOMEN_AREAS, "全国"), "全国", "", "national", ["women"], (2021, 2030)),

    Opening("previous period, banner", _doc("""
伊金霍洛旗妇女发展规划（2016—2020年）
前言
为促进鄂尔多斯市伊金霍洛旗妇女全面发展，制定本规划。
""", _WOMEN_AREAS, "全旗"), "伊金霍洛旗", "150627", "district", ["women"], (2016, 2020)),

    Opening("autonomous prefecture", _doc("""
延边朝鲜族自治州儿童发展规划（2021—2030年）
前言
州委、州政府高度重视儿童事业发展。
""", _CHILDREN_AREAS, "全州"), "延边朝鲜族自治州", "222400", "city", ["children"], (2021, 2030)),

    # The title names no place; the issuing government does.
    Opening("title without a place", _doc("""
德清县人民政府关于印发妇女发展规划的通知
德政发〔2022〕2号
各乡镇人民政府、街道办事处，县政府各部门：
现将《妇女发展规划（2021—2030年）》印发给你们，请认真组织实施。
德清县人民政府
2022年2月20日
妇女发展规划（2021—2030年）
前言
湖州市德清县坚持男女平等基本国策。
""", _WOMEN_AREAS, "全县"), "德清县", "330521", "district", ["women"], (2021, 2030)),

    # A city not in the region table: named right, no code.
    Opening("city outside the region table", _doc("""
绍兴市妇女发展规划（2021—2030年）
前言
绍兴市妇女事业发展取得显著成效。
""", _WOMEN_AREAS, "全市"), "绍兴市", "", "city", ["women"], (2021, 2030)),
]

OPENINGS += [
    # A draft for comment: the marker after the title is not part of it.
    Opening("draft for comment", _doc("""
恩施土家族苗族自治州儿童发展“十四五”规划（征求意见稿）
前言
全州儿童事业发展取得新成效。
""", _CHILDREN_AREAS, "全州"), "恩施土家族苗族自治州", "422800", "city", ["children"], (2021, 2025)),

    # Jointly issued by the party committee and the government; a combined plan of a city.
    Opening("joint issuer, combined city plan", _doc("""
中共广州市委 广州市人民政府关于印发《广州市妇女儿童发展规划（2021—2030年）》的通知
穗字〔2022〕2号
各区委、区人民政府，市直各单位：
现将《广州市妇女儿童发展规划（2021—2030年）》印发给你们，请结合实际认真贯彻落实。
中共广州市委
广州市人民政府
2022年1月20日
广州市妇女儿童发展规划（2021—2030年）
序言
广州市妇女儿童事业取得长足发展。
""", _WOMEN_AREAS + _CHILDREN_AREAS, "全市"), "广州市", "440100", "city", ["women", "children"], (2021, 2030)),
]

OPENINGS += [
    # No title and no notice: the body speaks of 全市 and names the city.
    Opening("city plan without a title", _doc("""
前言
杭州市妇女事业发展取得显著成就。杭州市委、市政府高度重视妇女发展。全市妇女发展环境不断优化。
根据《浙江省妇女发展规划（2021—2030年）》，结合杭州实际，制定本规划。
""", _WOMEN_AREAS, "全市"), "杭州市", "330100", "city", ["women"], (2021, 2030)),
]

OPENINGS += [
    # The signature stands right above the title, with no date between: the two lines
    # are joined like a wrapped sentence, and the title must not take the issuer's name.
    Opening("signature above the title", _doc("""
各镇人民政府，区政府各部门：
现将规划印发给你们，请认真贯彻执行。
上海市长宁区人民政府
长宁区儿童发展“十四五”规划
前言
长宁区儿童事业发展取得新成效。
""", _CHILDREN_AREAS), "长宁区", "310105", "district", ["children"], (2021, 2025)),
]
