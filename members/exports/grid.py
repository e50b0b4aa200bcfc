"""The grid's workbook (网格单元): the layout `members.grid_import` reads, filled with a jurisdiction's current tree
(its active subdistricts with their A contact, then each one's villages and communities with their grid liaison),
so that downloading it, editing it and importing it back changes only what was edited."""

from openpyxl.worksheet.datavalidation import DataValidation

from linkage.exports import SafeWorkbook, new_workbook

from .common import finish_table, write_header, write_row

GRID_SHEET = "网格单元"
NOTES_SHEET = "填写说明"
# (key, header, column width)
GRID_COLUMNS = [("name", "名称", 24), ("parent", "上级", 24), ("kind", "类别", 10), ("liaison", "联络人", 14),
                ("mobile", "手机", 16)]
KIND_CHOICES = ("街道", "镇", "社区", "村")
NOTES = [
    "每行一个单位。街道（镇）的“上级”留空或填写本辖区名称；村（居）委会的“上级”填写所属街道（镇）的名称。",
    "“类别”可不填：上级为空的是街道（镇）；名称以“村”结尾的是村委会，其余为社区居委会。",
    "村（居）委会的“联络人”“手机”即其网格员：网格员凭手机号和短信验证码登录，手机号不能与其他网格员重复。",
    "更换网格员（姓名和手机都不同）时，原网格员账号停用并为新网格员建立账号；只改姓名或只改手机的，更新原账号。",
    "街道（镇）的“联络人”“手机”仅在该单位尚无A角联系人时登记为A角；与现任A角不同的，导入时列出，请另行提交联系人变更申请。",
    "按名称匹配已有单位，导入不会删除任何单位；文件中未列出的村（居）委会保持不变，并在结果中列出。",
    "先检查全部行，任何一行有误则整个文件不导入，并列出出错的行号和列名。同一文件重复导入不会作任何修改。",
]


def grid_workbook(jurisdiction, subdistricts) -> SafeWorkbook:
    """The grid sheet for ``jurisdiction``, one row per active subdistrict then one per active community under it
    (``subdistricts`` as `members.grid_selectors.grid_tree` returns them), and a sheet of instructions."""
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = GRID_SHEET
    write_header(sheet, GRID_COLUMNS)
    number = 1
    for subdistrict in subdistricts:
        if not subdistrict.active:
            continue
        contact = next((c for c in subdistrict.current_contacts if c.role == "A" and c.mobile), None)
        number += 1
        write_row(sheet, number, [subdistrict.short_name, jurisdiction.name, "街道",
                                  contact.name if contact else "", contact.mobile if contact else ""],
                  text_columns=(5,))
        for community in subdistrict.grid_communities:
            if not community.active:
                continue
            liaison = community.current_liaisons[0] if community.current_liaisons else None
            number += 1
            write_row(sheet, number, [community.name, subdistrict.short_name, "村" if community.kind == "village"
                                      else "社区", liaison.full_name if liaison else "",
                                      liaison.mobile if liaison else ""], text_columns=(5,))
    finish_table(sheet, GRID_COLUMNS, 1, number)
    validation = DataValidation(type="list", formula1=f'"{",".join(KIND_CHOICES)}"', allow_blank=True,
                                showErrorMessage=True)
    validation.error = "请从下拉列表中选择。"
    validation.errorTitle = "输入无效"
    validation.add(f"C2:C{number + 500}")
    sheet.add_data_validation(validation)
    for column in ("E",):  # typed mobiles stay digits, never 1.38E+10
        for row in range(number + 1, number + 501):
            sheet[f"{column}{row}"].number_format = "@"
    notes = workbook.create_sheet(NOTES_SHEET)
    notes.column_dimensions["A"].width = 120
    for index, line in enumerate(NOTES, start=1):
        notes.cell(row=index, column=1, value=f"{index}. {line}")
    return workbook
