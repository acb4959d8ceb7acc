from tianping.core.errors import InputErrors, Location, TianpingError


def test_location_names_file_sheet_row_cell():
    err = TianpingError("不是数字：“abc”", Location(file="卫健局.xlsx", sheet="数据", row=7, column="D"))
    assert str(err) == "文件“卫健局.xlsx”，工作表“数据”，第7行，D列：不是数字：“abc”"


def test_input_errors_lists_every_problem():
    errs = InputErrors([TianpingError("a", Location(row=1)), TianpingError("b", Location(row=2))])
    assert "发现2处错误" in str(errs) and "第1行：a" in str(errs) and "第2行：b" in str(errs)
