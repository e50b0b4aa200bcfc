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
    ("other", "其他协助事项"),
]
MEASURE_NAMES = dict(MEASURES)
