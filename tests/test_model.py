from tianping.core.model import Area, Goal, Indicator, Plan, Target


def test_plan_indicators_walks_goals_and_measures():
    ind = Indicator(name="孕产妇死亡率", unit="1/10万", targets=[Target(year=2025, op="<=", value=9, unit="1/10万")])
    plan = Plan(title="t", kind="women", areas=[Area(number=1, name="妇女与健康", goals=[Goal(number=1, text="x", indicators=[ind])])])
    assert list(plan.indicators()) == [ind]
    assert plan.to_dict()["areas"][0]["goals"][0]["indicators"][0]["targets"][0]["value"] == 9
