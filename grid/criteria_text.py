"""The Chinese text of how the grid figures are counted, shared by the overview's page, its Excel file and the
assessment's 网格协助 item, so all of them say the same."""

RATE_RULE = ("按期回复率 = 按期回复件数 ÷（已回复件数 + 逾期未回复件数）；按发出时间统计，已撤回的不计；"
             "办理期限当日结束前回复的为按期，期限届满仍未回复的为逾期，尚在期限内的不计入比率。")
