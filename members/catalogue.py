"""The measure catalogue (协助措施目录): stable codes, Chinese names, in display order."""

MEASURES = [
    ("inquiry", "查询"),
    ("seal", "查封"),
    ("freeze", "冻结"),
    ("deduct", "扣划/提取"),
    ("seize_vehicle", "查扣车辆"),
    ("locate_person", "查找被执行人下落"),
    ("restrict_exit", "限制出境"),
    ("restrict_qualification", "限制消费/资格"),
    ("stop_registration", "停止办理登记手续"),
    ("transfer_registration", "办理转移登记"),
    ("publish", "公示/曝光"),
    # Civil affairs (民政): marriage registration (Chuxiong 二(十二), Gong'an art. 22, Liwan 四(十二)1) and the
    # referral of an applicant in hardship for social relief (2010 art. 8, Yunfu item 19; assistance/relief_models.py).
    ("marriage_inquiry", "婚姻登记信息查询"),
    ("divorce_notice", "离婚案件信息通知"),
    ("social_relief", "社会救助转介"),
    ("other", "其他协助事项"),
]
MEASURE_NAMES = dict(MEASURES)
