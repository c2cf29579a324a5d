"""The interface's words in Chinese and English, in one table, so a screen never hard-codes a label.

Why a plain dict rather than gettext: the interface has two languages, switched live from inside the
running app (``general.language`` in tracker.toml remembers the choice), and a missing translation
must fail loudly in the tests rather than show a key to the officer. Data (project names,
categories, districts) is never translated: it is what the plan published.

Nothing here imports Textual or Rich; :func:`translate` is a pure function. The values it fills in
are often data (a code, a summary, an error echoing a cell), so each has its control characters shown
as escapes (``\\x1b``): every message of the interface is safe to show, whatever the widget.
"""

from __future__ import annotations

from typing import Any, Final

from tracker.safe_text import visible

LANGUAGES: Final = ("zh", "en")
DEFAULT_LANGUAGE: Final = "zh"

STRINGS: Final[dict[str, tuple[str, str]]] = {
    # the application
    "app.title": ("民政重点项目跟踪", "Civil-affairs key projects"),
    "app.as_of": ("截至 {date}", "as of {date}"),
    "app.language_set": ("界面语言：中文", "Interface language: English"),
    "app.language_not_saved": ("未能保存语言设置：{error}", "Could not save the language: {error}"),
    "columns.title": ("选择列", "Choose columns"),
    "columns.hint": (
        "空格选择/取消，Ctrl+S 保存；灯、编码、名称、总投资和状态总会显示，窄屏时其余列按优先级显示",
        "Space toggles, Ctrl+S saves; light, code, name, total and status always show, the rest as the width allows",
    ),
    "columns.saved": ("已保存列的选择（仅本人界面）", "Columns saved (for your screen only)"),
    "key.choose_columns": ("选择列", "Columns"),
    "key.save_columns": ("保存", "Save"),
    "key.close_columns": ("取消", "Cancel"),
    "app.preference_not_saved": ("未能保存界面设置：{error}", "Could not save the interface choice: {error}"),
    "app.preferences_ignored": ("界面设置文件中有无法使用的值，已忽略：{what}", "Ignored unusable interface choices: {what}"),
    "app.unknown_key_ids": (
        "tracker.toml [keys] 中有未知的按键编号：{ids}",
        "Unknown binding ids in tracker.toml [keys]: {ids}",
    ),
    "app.read_failed": ("读取数据失败：{error}", "Could not read the data: {error}"),
    "app.internal_error": ("内部错误（{error}），请报告此问题", "Internal error ({error}); this is a bug"),
    "app.not_available": ("此功能所需的模块尚未安装：{module}", "This needs a module that is not available: {module}"),
    # warning rules and where a district came from
    "rule.overdue": ("逾期", "overdue"),
    "rule.late_start": ("开工滞后", "late start"),
    "rule.due_soon": ("临近竣工", "due soon"),
    "rule.lagging": ("投资滞后", "lagging"),
    "rule.stale": ("未按月填报", "stale"),
    "district_source.gazetteer": ("按地名表自动归属", "placed by the gazetteer"),
    "district_source.user": ("手工设置", "set by hand"),
    "district_source.none": ("未能归属，请手工设置", "not placed: set it by hand"),
    # views (modes)
    "view.portfolio": ("项目", "Projects"),
    "view.rollups": ("汇总", "Rollups"),
    "view.warnings": ("预警", "Warnings"),
    "view.timeline": ("进度时间轴", "Timeline"),
    "view.check": ("预算核对", "Budget check"),
    # key binding descriptions, by binding id
    "key.quit": ("退出", "Quit"),
    "key.quit_now": ("立即退出", "Quit now"),
    "key.quit_hint": ("退出提示", "How to quit"),
    "key.close_help": ("关闭帮助", "Close help"),
    "key.confirm_yes": ("确定", "Yes"),
    "key.confirm_no": ("否", "No"),
    "key.help": ("帮助", "Help"),
    "key.palette": ("命令", "Commands"),
    "key.language": ("中/英", "zh/en"),
    "key.undo": ("撤销", "Undo"),
    "key.redo": ("重做", "Redo"),
    "key.view_portfolio": ("项目", "Projects"),
    "key.view_rollups": ("汇总", "Rollups"),
    "key.view_warnings": ("预警", "Warnings"),
    "key.view_timeline": ("时间轴", "Timeline"),
    "key.view_check": ("核对", "Check"),
    "key.open_rows": ("查看明细", "Show rows"),
    "key.focus_filter": ("筛选", "Filter"),
    "key.leave_filter": ("返回列表", "Back to list"),
    "key.sort": ("排序", "Sort"),
    "key.reverse_sort": ("倒序", "Reverse sort"),
    "key.choose_view": ("视图", "Views"),
    "key.save_view": ("保存视图", "Save view"),
    "key.open": ("详情", "Open"),
    "key.back": ("返回", "Back"),
    "key.edit": ("编辑", "Edit"),
    "key.record_progress": ("填报月度进度", "Record month"),
    "key.reload": ("刷新", "Reload"),
    "key.save": ("保存", "Save"),
    "key.cancel": ("取消", "Cancel"),
    "key.next_dim": ("换汇总维度", "Next grouping"),
    "key.second_dim": ("二级维度", "Second grouping"),
    "key.close": ("关闭", "Close"),
    # table columns
    "col.light": ("灯", "Light"),
    "col.code": ("编码", "Code"),
    "col.name": ("项目名称", "Name"),
    "col.category": ("类别", "Category"),
    "col.district": ("县市区", "District"),
    "col.years": ("建设年限", "Years"),
    "col.total": ("总投资", "Total"),
    "col.planned": ("十四五计划投资", "Planned"),
    "col.share": ("社会资本%", "Share %"),
    "col.status": ("状态", "Status"),
    "col.timeline": ("建设期", "Construction period"),
    "col.group": ("分组", "Group"),
    "col.count": ("项目数", "Projects"),
    "col.social_capital": ("社会资本", "Social capital"),
    "col.invested": ("累计完成", "Invested"),
    "col.invested_pct": ("完成%", "Invested %"),
    "col.last_month": ("最近填报月", "Last report"),
    "col.rule": ("规则", "Rule"),
    "col.severity": ("级别", "Severity"),
    "col.message": ("原因", "Reason"),
    "col.month": ("月份", "Month"),
    "col.invested_month": ("本月完成投资", "Invested this month"),
    "col.progress_text": ("形象进度", "Progress"),
    "col.problems": ("存在问题", "Problems"),
    "col.reporter": ("填报人", "Reporter"),
    "col.recorded_at": ("填报时间", "Recorded at"),
    "col.key": ("按键", "Key"),
    "col.binding_id": ("编号", "Id"),
    "col.action": ("功能", "Action"),
    "col.where": ("适用页面", "Where"),
    # portfolio
    "portfolio.counting": ("正在统计… · 已载入 {loaded} 行", "counting… · {loaded} rows loaded"),
    "portfolio.summary": (
        "{count} 个项目 · 总投资 {total} 万元 · 十四五计划投资 {planned} 万元 · 已载入 {loaded} 行",
        "{count} projects · total {total} 万元 · planned {planned} 万元 · {loaded} rows loaded",
    ),
    "portfolio.sorted_by": ("排序：{column}{arrow}", "sorted by {column}{arrow}"),
    "portfolio.published_order": ("发布顺序", "published order"),
    # filter bar
    "filter.placeholder": (
        "/ 筛选，例如 category:老年 total>=1000 -district:湘潭县 +overdue @视图名",
        "/ filter, e.g. category:老年 total>=1000 -district:湘潭县 +overdue @view",
    ),
    "filter.label": ("筛选", "Filter"),
    "filter.error": ("筛选语法错误：", "Filter error: "),
    # sorting
    "sort.title": ("排序方式（再选一次同一列则倒序）", "Sort by (choose the same column again to reverse)"),
    "sort.default": ("发布顺序（类别、序号）", "Published order (category, number)"),
    # views
    "views.title": ("已保存的视图（tracker.toml [views]）", "Saved views (tracker.toml [views])"),
    "views.none": ("tracker.toml 中还没有保存的视图", "No saved views in tracker.toml yet"),
    "views.save_title": ("把当前筛选保存为视图", "Save the current filter as a view"),
    "views.name": ("视图名称", "View name"),
    "views.filter": ("筛选条件", "Filter"),
    "views.saved": ("已保存视图 @{name} 到 {path}", "Saved view @{name} in {path}"),
    "views.empty_filter": ("当前没有筛选条件，无可保存", "There is no filter to save"),
    # detail
    "detail.title": ("项目详情", "Project detail"),
    "detail.fields": ("基本信息", "Fields"),
    "detail.source": ("来源（发布文本第 {first}–{last} 行，{document}）", "Source ({document}, lines {first}–{last})"),
    "detail.source_missing": ("找不到来源文件 {document}", "The source document {document} is not available"),
    "detail.no_source": ("无来源行号（手工添加的项目）", "No source lines (a project added by hand)"),
    "detail.warnings": ("预警", "Warnings"),
    "detail.no_warnings": ("无预警", "No warnings"),
    "detail.history": ("月度进度", "Monthly progress"),
    "detail.no_history": ("尚无进度填报", "No progress recorded yet"),
    "detail.gone": ("项目 {code} 已不存在", "Project {code} no longer exists"),
    "detail.reloaded": ("已重新载入 {code}（版本 {version}）", "Reloaded {code} (version {version})"),
    # field labels (detail and forms)
    "field.code": ("项目编码", "Code"),
    "field.plan": ("规划", "Plan"),
    "field.category": ("类别", "Category"),
    "field.seq": ("序号", "Number"),
    "field.name": ("项目名称", "Name"),
    "field.nature": ("建设性质", "Nature"),
    "field.owner": ("建设单位", "Owner"),
    "field.district": ("县市区", "District"),
    "field.district_source": ("县市区来源", "District from"),
    "field.content": ("主要建设内容和规模", "Content and scale"),
    "field.note": ("备注", "Note"),
    "field.start": ("开工年份", "Start"),
    "field.finish": ("竣工年份", "Finish"),
    "field.total_investment": ("总投资（万元）", "Total investment (万元)"),
    "field.planned_investment": ("十四五计划投资（万元）", "Planned investment (万元)"),
    "field.social_share_pct": ("社会投资占比（%）", "Social capital share (%)"),
    "field.social_capital": ("社会资本（万元）", "Social capital (万元)"),
    "field.status": ("状态", "Status"),
    "field.version": ("版本", "Version"),
    "field.invested_to_date": ("开工以来累计完成投资（万元）", "Invested to date (万元)"),
    "field.progress_pct": ("占总投资%", "Share of total invested"),
    "field.time_pace": ("序时进度%", "Time pace %"),
    "field.last_report_month": ("最近填报月份", "Last report month"),
    "field.updated_at": ("最后修改", "Last changed"),
    "field.month": ("月份（YYYY-MM）", "Month (YYYY-MM)"),
    "field.invested": ("本月完成投资（万元）", "Invested this month (万元)"),
    "field.progress_text": ("形象进度", "Physical progress"),
    "field.problems": ("存在问题", "Problems"),
    "field.reporter": ("填报人", "Reporter"),
    # forms
    "form.edit_title": ("编辑项目 {code}（版本 {version}）", "Edit project {code} (version {version})"),
    "form.progress_title": ("填报 {code} 的月度进度", "Record a month's progress for {code}"),
    "form.save": ("保存", "Save"),
    "form.cancel": ("取消", "Cancel"),
    "form.nothing_changed": ("没有修改", "Nothing changed"),
    "form.saved": ("已保存 {code}，现为版本 {version}", "Saved {code}, now version {version}"),
    "form.progress_saved": ("已填报 {code} {month}", "Recorded {month} for {code}"),
    "form.conflict": (
        "项目 {code} 已被他人修改（现为版本 {version}）。已重新载入；你填写的内容仍保留在表单中，请核对后再保存。",
        "Project {code} was changed by someone else (now version {version}). It has been reloaded; what you "
        "typed is still in the form — check it and save again.",
    ),
    "form.fix_errors": ("请先改正标红的字段", "Fix the fields marked in red first"),
    "form.will_record": ("将写入 {year}年{month}月 的进度", "Will record progress for {year}-{month}"),
    "form.month_unreadable": ("月份应写作 YYYY-MM，例如 2023-05", "Write the month as YYYY-MM, e.g. 2023-05"),
    "form.month_ahead": (
        "该月份晚于截至日期 {date}，不能提前填报",
        "That month is after the as-of date {date}; progress cannot be reported ahead",
    ),
    # undo
    "undo.title": ("撤销上一次操作？", "Undo the last operation?"),
    "undo.confirm": ("撤销：{summary}", "Undo: {summary}"),
    "undo.nothing": ("没有可以撤销的操作", "There is nothing to undo"),
    "undo.done": ("已撤销：{summary}", "Undone: {summary}"),
    "undo.failed": ("无法撤销：{error}", "Cannot undo: {error}"),
    # redo
    "redo.title": ("重做最近撤销的操作？", "Redo the last undone operation?"),
    "redo.confirm": ("重做：{summary}", "Redo: {summary}"),
    "redo.nothing": ("没有可以重做的操作", "There is nothing to redo"),
    "redo.done": ("已重做：{summary}", "Redone: {summary}"),
    "redo.failed": ("无法重做：{error}", "Cannot redo: {error}"),
    "confirm.yes": ("确定", "Yes"),
    "confirm.no": ("取消", "No"),
    # rollups
    "rollups.by": ("按 {dims} 汇总", "By {dims}"),
    "rollups.total": ("合计", "Total"),
    "rollups.chart": ("十四五计划投资（万元，取整）", "Planned investment (whole 万元)"),
    "rollups.none": ("（无）", "(none)"),
    "rollups.unit": ("万元", "10k yuan"),
    "rollups.rounding_note": (
        "合计按精确值计算，与各项四舍五入之和差 {gap}",
        "Totals are computed from exact values; they differ from the sum of the rounded rows by {gap}",
    ),
    "dim.category": ("类别", "category"),
    "dim.district": ("县市区", "district"),
    "dim.year": ("年度", "year"),
    "dim.nature": ("建设性质", "nature"),
    "dim.status": ("状态", "status"),
    "dim.owner": ("建设单位", "owner"),
    # warnings
    "warnings.summary": ("{red} 项红灯 · {yellow} 项黄灯（截至 {date}）", "{red} red · {yellow} yellow (as of {date})"),
    "warnings.none": ("截至 {date} 没有预警", "No warnings as of {date}"),
    "severity.red": ("红", "red"),
    "severity.yellow": ("黄", "yellow"),
    "severity.green": ("绿", "green"),
    # timeline
    "timeline.legend": (
        "█ 已过去的建设期  ▒ 尚余的建设期  │ 截至 {date}",
        "█ construction period passed  ▒ still to come  │ as of {date}",
    ),
    # help
    "help.title": (
        "按键一览（可在 tracker.toml 的 [keys] 中按编号改键）",
        "Keys (remap them by id in tracker.toml [keys])",
    ),
    "help.everywhere": ("所有页面", "everywhere"),
    "help.edit_form": ("编辑表单", "edit form"),
    "help.progress_form": ("进度填报表单", "progress form"),
    "help.confirm": ("确认对话框", "confirmation"),
    "help.palette": ("Ctrl+P 打开命令面板，可搜索以上所有功能", "Ctrl+P opens the command palette with all of these"),
    # statuses
    "status.not_started": ("未开工", "not started"),
    "status.in_progress": ("在建", "in progress"),
    "status.completed": ("已竣工", "completed"),
    "status.suspended": ("停缓建", "suspended"),
    "status.cancelled": ("取消", "cancelled"),
    # command palette
    "cmd.portfolio": ("打开项目列表", "Show the project list"),
    "cmd.rollups": ("打开预算汇总", "Show the budget rollups"),
    "cmd.warnings": ("打开预警列表", "Show the warnings"),
    "cmd.timeline": ("打开时间轴", "Show the timeline"),
    "cmd.check": ("打开预算核对：公布的合计与各项之和", "Show the budget check: published totals against the sums of their rows"),
    "col.check_what": ("合计项", "Total of"),
    "col.check_field": ("指标", "Figure"),
    "col.published": ("公布数", "Published"),
    "col.computed": ("各项之和", "Sum of rows"),
    "col.difference": ("差额", "Difference"),
    "col.check_state": ("核对结果", "Result"),
    "check.grand_total": ("总计", "Grand total"),
    "check.field.total": ("总投资", "Total"),
    "check.field.planned": ("计划投资", "Planned"),
    "check.field.count": ("项目数", "Projects"),
    "check.state.ok": ("一致", "agrees"),
    "check.state.differs": ("不一致", "differs"),
    "check.state.accepted": ("已确认", "accepted"),
    "check.state.unpublished": ("未公布", "not published"),
    "check.summary": (
        "核对 {compared} 个公布数：{differs} 个不一致，{accepted} 个已确认（tracker check --accept）；回车查看所含项目",
        "{compared} published figures: {differs} differ, {accepted} accepted (tracker check --accept); Enter shows the rows",
    ),
    "cmd.undo": ("撤销上一次操作", "Undo the last operation"),
    "cmd.redo": ("重做最近撤销的操作", "Redo the last undone operation"),
    "cmd.language": ("切换界面语言（中文/English）", "Switch the interface language (中文/English)"),
    "cmd.help": ("显示所有按键", "Show every key"),
    "cmd.choose_view": ("选择已保存的视图", "Choose a saved view"),
    "cmd.save_view": ("把当前筛选保存为视图", "Save the current filter as a view"),
    "cmd.clear_filter": ("清除筛选", "Clear the filter"),
}
"""key → (Chinese, English)."""


def translate(language: str, key: str, **values: object) -> str:
    """The text for ``key`` in ``language`` with ``{placeholders}`` filled in.

    An unknown key raises :class:`KeyError`: the tests walk every screen in both languages, so a
    missing entry is caught there rather than shown to a user.
    """
    zh, en = STRINGS[key]
    text = en if language == "en" else zh
    return text.format(**{name: visible(value) for name, value in values.items()}) if values else text


def status_label(language: str, status: str) -> str:
    """A project status value (``in_progress``) as the interface shows it (在建 / in progress)."""
    key = f"status.{status}"
    return translate(language, key) if key in STRINGS else status


def other_language(language: str) -> str:
    return "en" if language == "zh" else "zh"


def tr(node: Any, key: str, **values: object) -> str:
    """:func:`translate` in the language of the app ``node`` (a widget or screen) belongs to."""
    return translate(getattr(node.app, "language", DEFAULT_LANGUAGE), key, **values)
