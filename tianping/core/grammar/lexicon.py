"""Words and patterns of the target grammar.

Everything here works on *normalised* text (tianping.core.normalize): ASCII digits,
"%", "/", no spaces inside numbers, "9/10万" rather than "十万分之九", Chinese
punctuation kept full-width. Keeping the vocabulary in one place lets the grammar
modules stay short and lets a reviewer see at a glance what the parser accepts.
"""

from __future__ import annotations

import re

NUM = r"\d+(?:\.\d+)?"

# Units a target value may carry, longest first so "/10万活产" wins over "/10万".
# Ages (岁, 周岁, 个月) are listed so they are recognised -- and then usually
# rejected, because "3岁以下儿童" names a population, it is not a target.
UNIT_WORDS = (
    "/10万活产", "/10万", "个百分点", "个千分点", "%", "‰",
    "万人次", "万人", "人次", "人", "名", "个月", "周岁", "岁", "个", "所", "张", "家", "处", "座",
    "小时", "倍", "年", "次", "项", "户", "本", "平方米", "万元", "元",
)
AGE_UNITS = {"岁", "周岁", "个月"}
COUNT_UNITS = {"万人次", "万人", "人次", "人", "名", "个", "所", "张", "家", "处", "座", "小时", "倍", "年",
               "次", "项", "户", "本", "平方米", "万元", "元"}
RATE_UNITS = {"%", "‰", "1/10万", "1/10万活产", "个百分点", "个千分点"}

_UNIT_ALT = "|".join(re.escape(u) for u in UNIT_WORDS)
# A single value: "95%", "2.8‰", "9/10万", "0.5-1个百分点", "1/2" (fraction), "4.5个".
VALUE_RE = re.compile(
    rf"(?:(?P<fn>\d+)/(?P<fd>\d+)(?![\d.万])"
    rf"|(?P<v>{NUM})(?:(?:%|‰)?(?P<dash>[-~—–至])(?P<v2>{NUM}))?(?P<unit>{_UNIT_ALT})?)"
)
# A count in Chinese numerals that states a target: after a building verb ("建设两处", "新建三所")
# or an explicit quantity ("至少建成一个", "不少于两名"). A bare "一个" after a verb is usually an
# article ("建立一个…机制"), so 一 counts only after an operator word.
COUNT_VERBS = ("建设", "新建", "建成", "创建", "打造", "培育", "建立", "设立", "建有", "配备", "配齐", "增加", "新增")
COUNT_OPERATORS = ("至少", "不少于", "不低于", "最少")
COUNT_CLASSIFIERS = "处所个家座名支批项次"

# Words that may separate the values of a list: "2.8‰、3‰和4‰".
LIST_SEP_RE = re.compile(r"^(?:、|，|和|及|与|或)$")

# Operator words before a value, longest first within each operator.
PRE_OPS: dict[str, tuple[str, ...]] = {
    ">=": ("达到或超过", "达到或高于", "不低于", "不少于", "不小于", "不得低于", "大于等于", "至少", "最少", "≥", ">="),
    "<=": ("不高于", "不超过", "不大于", "不得高于", "小于等于", "最多", "≤", "<="),
    ">": ("超过", "高于", "大于", "多于", ">", "＞"),
    "<": ("低于", "少于", "小于", "<", "＜"),
    "~": ("大约", "约"),
    "=": (
        "提高到", "提高至", "提升到", "提升至", "增加到", "增加至", "增长到", "增长至",
        "上升到", "上升至", "下降到", "下降至", "降低到", "降低至", "减少到", "减少至",
        "降至", "降到", "增至", "升至", "上升至", "扩大到", "扩大至", "控制在", "控制到", "保持在", "稳定在", "维持在", "巩固在",
        "达到", "达", "为", "实现", "做到", "确保",
    ),
}
# Operator words after a value.
POST_OPS: dict[str, tuple[str, ...]] = {
    ">=": ("及以上", "以上"),
    "<=": ("及以下", "以下", "以内"),
    "~": ("左右", "上下"),
    "range": ("之间",),
}
# Verbs that imply an upper bound when no "以下" follows ("控制在12/10万").
UPPER_BOUND_VERBS = ("控制在", "控制到", "下降到", "下降至", "降至", "降到", "降低到", "降低至")

PRE_OP_WORDS = sorted(
    ((w, op) for op, words in PRE_OPS.items() for w in words), key=lambda p: -len(p[0])
)
POST_OP_RE = re.compile(
    "^(?:" + "|".join(re.escape(w) for op in POST_OPS.values() for w in op) + ")"
)

# Deadline: "到2025年", "到2025年和2030年", "2025年底前". In "提高到2020年的85.2%" the
# "到" belongs to the verb, so it is left for the operator.
YEAR = r"(?<![\d.])(?:19[5-9]\d|20\d\d|2100)(?!\d)"
DEADLINE_RE = re.compile(
    rf"(?:力争)?(?:(?<![高降增升低少加长制])(?:到|至)|在|于)?(?P<y1>{YEAR})年(?:底|末)?(?:前)?"
    rf"(?:(?:和|、|及|与|至|到)(?P<y2>{YEAR})年(?:底|末)?)?(?:前)?"
)
# "到“十四五”末" is a deadline of 2025 in a 2021-2030 plan.
FIVE_YEAR_END_RE = re.compile(r"(?:到|至|在)?“?十四五”?(?:时期|规划期)?(?:末|期末)")
FIVE_YEAR_END = 2025
# Base year of a relative target: "以2020年数据为基数", "在2019年和2022年基础上", "比2020年".
BASE_RE = re.compile(
    rf"(?P<lead>以|在|较|比)(?P<b1>{YEAR})年?(?:(?:和|、)(?P<b2>{YEAR})年?)?(?:底|末)?的?"
    rf"(?:数据|水平)?的?(?P<tail>基础上|为基数|为基期|为基准)?"
)
# Start of a change: "由2020年的95%提高到98%" -- the first figure is a baseline.
FROM_YEAR_RE = re.compile(
    rf"(?<=由|从)(?:(?P<y>{YEAR})年(?:底|末)?|“?(?P<plan>十[一二三四]五)”?(?:时期)?(?:末|期末))的?")
# The last year of a five-year plan period: "由“十二五”末的16.3%" starts in 2015.
FIVE_YEAR_PERIOD_END = {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025}
FROM_WORDS = ("由", "从")
# A comparison with no number: "一般不低于本地区党员总数中女性比例".
COMPARE_RE = re.compile(r"(?P<word>不低于|不少于|不高于|不超过|高于|低于|超过)(?P<rest>[^\d，。；]{2,})$")
COMPARE_OPS = {"不低于": ">=", "不少于": ">=", "不高于": "<=", "不超过": "<=", "高于": ">", "低于": "<",
               "超过": ">"}
CHANGE_UP = ("提高", "增长", "增加", "上升", "提升")
CHANGE_DOWN = ("下降", "降低", "减少")

# Fillers stripped from the ends of an indicator name.
NAME_LEAD_FILLERS = (
    "力争", "努力", "促进", "推动", "推进", "保证", "实现", "并且", "并", "其中", "同时", "确保", "使", "让", "将", "且", "要", "应", "全区", "全市",
    "进一步", "继续", "稳定", "均", "都", "以及", "和", "督促",
)
NAME_TAIL_FILLERS = (
    "均", "都", "要", "应", "力争", "一般", "分别", "各", "仍", "将", "需", "必须", "基本", "全部",
    "总体", "稳步", "持续", "不断", "逐步", "进一步", "在", "始终", "长期", "已",
    "得到", "争取", "努力", "有", "保证", "的", "由", "从", "达到", "继续保持", "保持",
)
# Endings that mark a complete indicator name ("…死亡率", "…比例").
INDICATOR_HEADS = ("率", "比例", "比重", "占比", "人数", "数量", "年限", "寿命", "指数", "数")

# "全覆盖" states a target of 100 %, the one value the grammar supplies itself.
FULL_COVERAGE_RE = re.compile(r"(?:实现|达到|做到)[^，。；、\d]{0,8}?(?<!健)全覆盖$")

# Direction-only and qualitative wording.
INCREASE_WORDS = (
    "巩固提高", "逐步提高", "不断提高", "稳步提高", "持续提高", "明显提高", "显著提高", "进一步提高",
    "大幅提高", "逐年提高", "有所提高", "有所提升", "有所增加", "有所增长", "全面提升", "不断提升", "持续提升", "稳步提升", "明显提升",
    "进一步提升", "逐步提升", "显著提升", "进一步增强", "不断增强", "明显增强", "持续增加",
    "逐步增加", "稳步增长", "持续增长", "明显改善", "持续改善", "全面改善", "进一步优化", "更加丰富",
    "明显壮大", "全面普及", "提高", "提升", "增强", "增加", "延长", "改善", "普及", "扩大",
    "增长", "壮大",
)
DECREASE_WORDS = (
    "明显下降", "持续下降", "逐步下降", "稳步下降", "显著下降", "明显降低", "持续降低", "逐步降低",
    "不断缩小", "明显缩小", "逐步缩小", "持续减缓", "有效遏制", "有效控制", "得到有效控制",
    "基本消除", "切实减轻", "预防和减少", "预防和制止", "预防和控制", "预防和干预", "得到缓解",
    "降低到最低程度", "得到有效防治", "预防和有效处置", "有效治理", "有效防治", "有所下降", "有所降低", "下降", "降低", "减少", "减缓", "缩小", "消除", "遏制", "减轻",
)
QUALITATIVE_WORDS = (
    "保持合理比例", "保持均衡", "趋于平衡", "相适应", "应保尽保", "应援尽援", "应助尽助",
    "保持低水平", "高质量落实", "保持稳定", "有一定数量",
)
# Names so vague that a monitoring office may reasonably leave them out.
VAGUE_NAME_ENDINGS = (
    "意识", "能力", "水平", "状况", "质量", "知识", "环境", "程度", "素养", "素质", "体质",
    "方式", "影响", "危害", "伤害", "问题", "歧视", "暴力", "性骚扰", "矛盾", "力", "功能", "互动",
)
PRECISE_NAME_MARKS = ("率", "比例", "比重", "占比", "人数", "数量", "年限", "寿命", "健康素养水平")
# Indicators where less is better, for a target stated only as "达到X" or "为X".
LOWER_IS_BETTER_MARKS = (
    "死亡率", "发病率", "患病率", "传播率", "感染率", "近视率", "龋患率", "贫血率", "生长迟缓率",
    "低体重率", "超重率", "肥胖率", "剖宫产率", "流产率", "失业率", "文盲率", "辍学率", "犯罪率",
    "发生率", "差距", "负担",
)
