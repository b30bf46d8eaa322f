<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>@default</name>
    <message>
        <location filename="../gui/tasks.py" line="64"/>
        <source>OneMap verification</source>
        <translation>一张图核对</translation>
    </message>
    <message>
        <location filename="../processing/parameters.py" line="22"/>
        <source>Detect from the layers</source>
        <translation>按图层自动判断</translation>
    </message>
    <message>
        <location filename="../processing/parameters.py" line="24"/>
        <source>Plan kind</source>
        <translation>规划类型</translation>
    </message>
    <message>
        <location filename="../processing/load_plan.py" line="33"/>
        <source>Plan source</source>
        <translation>规划数据源</translation>
    </message>
    <message>
        <location filename="../processing/describe_source.py" line="38"/>
        <source>Recognised layers</source>
        <translation>已识别图层数</translation>
    </message>
    <message>
        <location filename="../processing/merge_plan.py" line="49"/>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../processing/load_plan.py" line="35"/>
        <source>Label codes and names</source>
        <translation>标注代码和名称</translation>
    </message>
    <message>
        <location filename="../processing/load_plan.py" line="37"/>
        <source>Layers loaded</source>
        <translation>已加载图层数</translation>
    </message>
    <message>
        <location filename="../processing/load_plan.py" line="38"/>
        <source>Layers that failed to open</source>
        <translation>无法打开的图层数</translation>
    </message>
    <message>
        <location filename="../processing/load_plan.py" line="39"/>
        <source>Layer group</source>
        <translation>图层组</translation>
    </message>
    <message>
        <location filename="../processing/load_plan.py" line="44"/>
        <source>Loading layers needs a QGIS project.</source>
        <translation>加载图层需要一个 QGIS 工程。</translation>
    </message>
    <message>
        <location filename="../processing/load_plan.py" line="55"/>
        <source>Not loaded: {} — {}</source>
        <translation>未加载：{} — {}</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="66"/>
        <source>Rule set (id or .yaml path; empty: default for the plan kind)</source>
        <translation>规则集（id 或 .yaml 路径；留空则按规划类型选默认）</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="74"/>
        <source>Findings GeoPackage</source>
        <translation>核对结果 GeoPackage</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="76"/>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="76"/>
        <source>Warnings</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="76"/>
        <source>Notes</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="78"/>
        <source>Run id</source>
        <translation>运行编号</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="109"/>
        <source>Cancelled: nothing was written.</source>
        <translation>已取消：未写入任何结果。</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="117"/>
        <source>Findings written to {}</source>
        <translation>核对结果已写入 {}</translation>
    </message>
    <message>
        <location filename="../processing/describe_source.py" line="28"/>
        <source>Describe plan source</source>
        <translation>识别数据源</translation>
    </message>
    <message>
        <location filename="../processing/load_plan.py" line="24"/>
        <source>Load plan with official styles</source>
        <translation>按官方样式加载规划图层</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="55"/>
        <source>Verify plan against the one map</source>
        <translation>规划一张图核对</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="61"/>
        <source>Plan under review (village or detailed plan)</source>
        <translation>待核对规划（村庄规划/详细规划）</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="65"/>
        <source>One map (master plan)</source>
        <translation>总体规划一张图</translation>
    </message>
    <message>
        <location filename="../processing/export_report.py" line="19"/>
        <source>Export check report</source>
        <translation>导出核对报告</translation>
    </message>
    <message>
        <location filename="../processing/export_report.py" line="30"/>
        <source>Report (.pdf, .html or .xlsx)</source>
        <translation>核对报告（.pdf、.html 或 .xlsx）</translation>
    </message>
    <message>
        <location filename="../processing/export_report.py" line="41"/>
        <source>Report written to {}</source>
        <translation>报告已写入 {}</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="69"/>
        <source>Previous findings GeoPackage (its reviewer decisions carry over)</source>
        <translation>上次核对结果 GeoPackage（其中的审查决定将沿用）</translation>
    </message>
    <message>
        <location filename="../processing/export_mapsheets.py" line="21"/>
        <source>Export map sheets</source>
        <translation>导出成果图件</translation>
    </message>
    <message>
        <location filename="../processing/verify_folder.py" line="36"/>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <location filename="../processing/export_mapsheets.py" line="35"/>
        <source>Paper size</source>
        <translation>图幅</translation>
    </message>
    <message>
        <location filename="../processing/export_mapsheets.py" line="36"/>
        <source>Title (default: village name and plan kind)</source>
        <translation>图名（默认：村名与规划类型）</translation>
    </message>
    <message>
        <location filename="../processing/export_mapsheets.py" line="38"/>
        <source>Compiler (编制单位)</source>
        <translation>编制单位</translation>
    </message>
    <message>
        <location filename="../processing/export_mapsheets.py" line="39"/>
        <source>Date</source>
        <translation>编制日期</translation>
    </message>
    <message>
        <location filename="../processing/export_mapsheets.py" line="40"/>
        <source>Sheets written</source>
        <translation>已输出图幅数</translation>
    </message>
    <message>
        <location filename="../processing/verify_folder.py" line="26"/>
        <source>Verify all plans in a folder</source>
        <translation>批量核对文件夹中的规划成果</translation>
    </message>
    <message>
        <location filename="../processing/verify_folder.py" line="32"/>
        <source>Folder of plans</source>
        <translation>规划成果文件夹</translation>
    </message>
    <message>
        <location filename="../processing/verify_folder.py" line="37"/>
        <source>Plans</source>
        <translation>成果数</translation>
    </message>
    <message>
        <location filename="../processing/verify_folder.py" line="37"/>
        <source>Plans that could not be checked</source>
        <translation>无法核对的成果数</translation>
    </message>
    <message>
        <location filename="../processing/verify_folder.py" line="66"/>
        <source>Cancelled: the summary lists the plans checked so far.</source>
        <translation>已取消：汇总只列出已核对的成果。</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="36"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="46"/>
        <source>Compiler</source>
        <translation>编制单位</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="48"/>
        <source>Check report…</source>
        <translation>核对报告…</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="49"/>
        <source>The check report as PDF, HTML or XLSX (by the file&apos;s extension).</source>
        <translation>核对报告，按文件扩展名输出 PDF、HTML 或 XLSX。</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="51"/>
        <source>Map sheets…</source>
        <translation>成果图件…</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="52"/>
        <source>Land use, control lines, planning zones and check results as PDF and PNG.</source>
        <translation>用途规划图、三条控制线图、规划分区图与核对成果图，PDF 与 PNG。</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="66"/>
        <source>Run a check first.</source>
        <translation>请先完成核对。</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="88"/>
        <source>Ready to export: {}</source>
        <translation>可导出：{}</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="92"/>
        <source>Check report</source>
        <translation>核对报告</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="102"/>
        <source>OneMap check report</source>
        <translation>OneMap 核对报告</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="105"/>
        <source>Folder for the map sheets</source>
        <translation>成果图件输出文件夹</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="115"/>
        <source>OneMap map sheets</source>
        <translation>OneMap 成果图件</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="124"/>
        <source>Folder for the findings and the summary</source>
        <translation>核对结果与汇总的输出文件夹</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="133"/>
        <source>OneMap batch check</source>
        <translation>OneMap 批量核对</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="140"/>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="162"/>
        <source>Batch check summary</source>
        <translation>批量核对汇总</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="169"/>
        <source>{} plans checked, {} failed</source>
        <translation>已核对 {} 个成果，{} 个无法核对</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="192"/>
        <source>Written: {}</source>
        <translation>已写入：{}</translation>
    </message>
    <message>
        <location filename="../gui/findings_model.py" line="63"/>
        <source>Rule / finding</source>
        <translation>规则 / 问题</translation>
    </message>
    <message>
        <location filename="../gui/findings_model.py" line="63"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../gui/findings_model.py" line="63"/>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="62"/>
        <source>…or its land-use layer in the project (unsaved edits are checked)</source>
        <translation>…或工程中的规划用地图层（未保存的编辑一并核对）</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="82"/>
        <source>Give the plan: a source (PLAN) or a project layer (PLAN_LAYER).</source>
        <translation>请指定规划：数据源（PLAN）或工程中的图层（PLAN_LAYER）。</translation>
    </message>
    <message>
        <location filename="../processing/merge_plan.py" line="46"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="54"/>
        <source>Approval no.</source>
        <translation>批复文号</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="49"/>
        <source>Approved on</source>
        <translation>批复日期</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="49"/>
        <source>Change</source>
        <translation>变更类型</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="49"/>
        <source>Plan</source>
        <translation>规划</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="49"/>
        <source>Merged</source>
        <translation>入库时间</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="54"/>
        <source>Event</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="54"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="54"/>
        <source>Who</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="54"/>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="54"/>
        <source>Plan SHA-256</source>
        <translation>规划数据 SHA-256</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="54"/>
        <source>One map SHA-256</source>
        <translation>一张图 SHA-256</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="54"/>
        <source>Findings SHA-256</source>
        <translation>核对结果 SHA-256</translation>
    </message>
    <message>
        <location filename="../processing/compare_plans.py" line="25"/>
        <source>Compare two plans or one-map versions</source>
        <translation>规划与一张图版本对比</translation>
    </message>
    <message>
        <location filename="../processing/compare_plans.py" line="34"/>
        <source>Before: a plan, or the one map</source>
        <translation>对比前：规划成果或一张图</translation>
    </message>
    <message>
        <location filename="../processing/compare_plans.py" line="35"/>
        <source>Before: the one map as of (version or date; empty: now)</source>
        <translation>对比前一张图的版本或日期（留空为现行）</translation>
    </message>
    <message>
        <location filename="../processing/compare_plans.py" line="36"/>
        <source>After: a plan, or the one map</source>
        <translation>对比后：规划成果或一张图</translation>
    </message>
    <message>
        <location filename="../processing/compare_plans.py" line="37"/>
        <source>After: the one map as of (version or date; empty: now)</source>
        <translation>对比后一张图的版本或日期（留空为现行）</translation>
    </message>
    <message>
        <location filename="../processing/compare_plans.py" line="38"/>
        <source>Comparison GeoPackage</source>
        <translation>对比结果 GeoPackage</translation>
    </message>
    <message>
        <location filename="../processing/compare_plans.py" line="40"/>
        <source>Comparison workbook (.xlsx)</source>
        <translation>对比表（.xlsx）</translation>
    </message>
    <message>
        <location filename="../processing/compare_plans.py" line="43"/>
        <source>Map sheet 规划调整对比图 (.pdf, PNG beside)</source>
        <translation>规划调整对比图（.pdf，同名 PNG）</translation>
    </message>
    <message>
        <location filename="../processing/compare_plans.py" line="45"/>
        <source>Title of the map sheet</source>
        <translation>对比图标题</translation>
    </message>
    <message>
        <location filename="../processing/compare_plans.py" line="46"/>
        <source>Pieces of change</source>
        <translation>变化图斑数</translation>
    </message>
    <message>
        <location filename="../processing/compare_plans.py" line="46"/>
        <source>Added (m²)</source>
        <translation>新增（平方米）</translation>
    </message>
    <message>
        <location filename="../processing/compare_plans.py" line="46"/>
        <source>Removed (m²)</source>
        <translation>移出（平方米）</translation>
    </message>
    <message>
        <location filename="../processing/compare_plans.py" line="46"/>
        <source>Use changed (m²)</source>
        <translation>用途改变（平方米）</translation>
    </message>
    <message>
        <location filename="../processing/compare_plans.py" line="64"/>
        <source>{} — {}: added {:.2f} m², removed {:.2f} m², use changed {:.2f} m²</source>
        <translation>{} — {}：新增 {:.2f} 平方米，移出 {:.2f} 平方米，用途改变 {:.2f} 平方米</translation>
    </message>
    <message>
        <location filename="../processing/export_trail.py" line="18"/>
        <source>Export the one map&apos;s trail</source>
        <translation>导出一张图全过程留痕</translation>
    </message>
    <message>
        <location filename="../processing/export_trail.py" line="24"/>
        <source>One map</source>
        <translation>一张图</translation>
    </message>
    <message>
        <location filename="../processing/export_trail.py" line="25"/>
        <source>Trail workbook (.xlsx)</source>
        <translation>留痕表（.xlsx）</translation>
    </message>
    <message>
        <location filename="../processing/export_trail.py" line="26"/>
        <source>Versions</source>
        <translation>版本数</translation>
    </message>
    <message>
        <location filename="../processing/export_trail.py" line="26"/>
        <source>Trail entries</source>
        <translation>留痕条数</translation>
    </message>
    <message>
        <location filename="../processing/export_trail.py" line="36"/>
        <source>{} versions, {} trail entries written to {}</source>
        <translation>{} 个版本、{} 条留痕已写入 {}</translation>
    </message>
    <message>
        <location filename="../processing/merge_plan.py" line="29"/>
        <source>Merge an approved plan into the one map</source>
        <translation>已批规划入库（纳入一张图）</translation>
    </message>
    <message>
        <location filename="../processing/merge_plan.py" line="35"/>
        <source>Approved plan (as checked)</source>
        <translation>已批复的规划成果（与核对时相同）</translation>
    </message>
    <message>
        <location filename="../processing/merge_plan.py" line="36"/>
        <source>Findings GeoPackage of its check (passed)</source>
        <translation>核对结果 GeoPackage（结论为通过）</translation>
    </message>
    <message>
        <location filename="../processing/merge_plan.py" line="38"/>
        <source>One map (GeoPackage or PostGIS schema, updated in place)</source>
        <translation>一张图（GeoPackage 或 PostGIS 模式，就地更新）</translation>
    </message>
    <message>
        <location filename="../processing/merge_plan.py" line="39"/>
        <source>Approval document number (批复文号)</source>
        <translation>批复文号</translation>
    </message>
    <message>
        <location filename="../processing/merge_plan.py" line="40"/>
        <source>Approval date</source>
        <translation>批复日期</translation>
    </message>
    <message>
        <location filename="../processing/merge_plan.py" line="41"/>
        <source>Kind of change</source>
        <translation>变更类型</translation>
    </message>
    <message>
        <location filename="../processing/merge_plan.py" line="42"/>
        <source>Dry run: report what would change, write nothing</source>
        <translation>试运行：只报告将发生的变化，不写入</translation>
    </message>
    <message>
        <location filename="../processing/merge_plan.py" line="44"/>
        <source>Merged by (default: the system user)</source>
        <translation>入库人（默认为当前系统用户）</translation>
    </message>
    <message>
        <location filename="../processing/merge_plan.py" line="46"/>
        <source>Parcels added</source>
        <translation>新增地块数</translation>
    </message>
    <message>
        <location filename="../processing/merge_plan.py" line="46"/>
        <source>Approved parcels ended</source>
        <translation>失效的已批地块数</translation>
    </message>
    <message>
        <location filename="../processing/parameters.py" line="34"/>
        <source>One map as of (version or date; empty: now)</source>
        <translation>一张图版本或日期（留空为现行）</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="72"/>
        <source>Approved plans in the one map as of (version or date; empty: now)</source>
        <translation>对照一张图已批规划的版本或日期（留空为现行）</translation>
    </message>
    <message>
        <location filename="../gui/findings_model.py" line="63"/>
        <source>m²</source>
        <translation>平方米</translation>
    </message>
    <message>
        <location filename="../gui/findings_model.py" line="63"/>
        <source>mu</source>
        <translation>亩</translation>
    </message>
    <message>
        <location filename="../gui/findings_model.py" line="64"/>
        <source>Area in square metres</source>
        <translation>面积（平方米）</translation>
    </message>
    <message>
        <location filename="../gui/findings_model.py" line="64"/>
        <source>Area in mu (亩)</source>
        <translation>面积（亩）</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="60"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="169"/>
        <source>Cancelled after {} plans, {} failed</source>
        <translation>已取消：已核对 {} 个成果，{} 个失败</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="173"/>
        <source>Cancelled: {} files written</source>
        <translation>已取消：已写出 {} 个文件</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="73"/>
        <source>The plan is a (新编, 修改 …: for the approved-plans rules)</source>
        <translation>本规划类型（新编、修改…，用于与已批规划对照）</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="124"/>
        <source>Folder for the findings and the summary (not the plans&apos; own folder)</source>
        <translation>核对结果与汇总的输出文件夹（核对结果不能写入规划成果所在的文件夹，请另选）</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="94"/>
        <source>Nothing to export: “{}” shown above wrote no findings.</source>
        <translation>没有可导出的内容：上方所显示的“{}”没有写出核对结果。</translation>
    </message>
    <message>
        <location filename="../gui/dialogs.py" line="13"/>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <location filename="../gui/dialogs.py" line="13"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../gui/feature_form.py" line="28"/>
        <source>{} — feature attributes</source>
        <translation>{} — 要素属性</translation>
    </message>
</context>
<context>
    <name>DecisionDialog</name>
    <message>
        <location filename="../gui/decision_dialog.py" line="27"/>
        <source>Reviewer decision</source>
        <translation>审查决定</translation>
    </message>
    <message>
        <location filename="../gui/decision_dialog.py" line="45"/>
        <source>e.g. 晋政函〔2024〕12号</source>
        <translation>如 晋政函〔2024〕12号</translation>
    </message>
    <message>
        <location filename="../gui/decision_dialog.py" line="47"/>
        <source>Decision</source>
        <translation>决定</translation>
    </message>
    <message>
        <location filename="../gui/decision_dialog.py" line="48"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location filename="../gui/decision_dialog.py" line="49"/>
        <source>Approval document no.</source>
        <translation>批复文号</translation>
    </message>
    <message>
        <location filename="../gui/decision_dialog.py" line="50"/>
        <source>Reviewer</source>
        <translation>审查人</translation>
    </message>
    <message>
        <location filename="../gui/decision_dialog.py" line="33"/>
        <source>To confirm again: when decided the finding read “{}”. OK keeps the decision for the finding as it reads now.</source>
        <translation>需复核：作出决定时该问题的说明为“{}”。点击“确定”即按问题现在的说明保留此决定。</translation>
    </message>
</context>
<context>
    <name>FindingsBrowser</name>
    <message>
        <location filename="../gui/findings_view.py" line="99"/>
        <source>All decisions</source>
        <translation>全部（审查决定）</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="99"/>
        <source>Undecided</source>
        <translation>未决定</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="99"/>
        <source>Decided</source>
        <translation>已决定</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="99"/>
        <source>Approved exceptions</source>
        <translation>已认可例外</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="99"/>
        <source>False positives</source>
        <translation>误报</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="178"/>
        <source>All villages</source>
        <translation>全部村</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="301"/>
        <source>Zoom to finding</source>
        <translation>缩放至问题</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="302"/>
        <source>Open attribute form</source>
        <translation>打开属性表单</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="303"/>
        <source>Decision…</source>
        <translation>审查决定…</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="308"/>
        <source>Withdraw decision</source>
        <translation>撤销审查决定</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="310"/>
        <source>Copy text</source>
        <translation>复制文字</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="99"/>
        <source>To confirm again</source>
        <translation>需复核</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="306"/>
        <source>Confirm decision</source>
        <translation>确认沿用决定</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="175"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="175"/>
        <source>check failed</source>
        <translation>核对失败</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="220"/>
        <source>The check of {} failed; it wrote no findings: {}</source>
        <translation>“{}”的核对失败，未生成核对结果：{}</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="222"/>
        <source>The check of {} was cancelled; it wrote no findings.</source>
        <translation>“{}”的核对已取消，未生成核对结果。</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="224"/>
        <source>Earlier checks can be chosen above, each under its plan&apos;s name.</source>
        <translation>此前的核对结果仍可在上方列表中按规划名称选择，请注意其所属规划。</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="309"/>
        <source>This finding has no place on the map (e.g. the coordinate system).</source>
        <translation>此条问题没有地图上的位置（如坐标系问题）。</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="324"/>
        <source>Shown on the map: {}</source>
        <translation>已在地图上显示：{}</translation>
    </message>
</context>
<context>
    <name>LifecyclePanel</name>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="203"/>
        <source>One-map versions</source>
        <translation>一张图版本与入库</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="212"/>
        <source>Load version</source>
        <translation>加载所选版本</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="213"/>
        <source>Load the one map as it was right after the selected merge.</source>
        <translation>加载所选版本入库后的一张图。</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="215"/>
        <source>Compare…</source>
        <translation>对比…</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="216"/>
        <source>One version selected: what its merge changed. Two: the older against the newer. A table, a GeoPackage and the map sheet.</source>
        <translation>选一个版本：该次入库的变化；选两个：较早版本与较新版本对比。输出对比表、GeoPackage 与规划调整对比图。</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="219"/>
        <source>Trail…</source>
        <translation>全过程留痕…</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="226"/>
        <source>The approved plans the next check compares the plan with.</source>
        <translation>下次核对时对照的已批规划状态。</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="228"/>
        <source>not declared</source>
        <translation>未声明</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="231"/>
        <source>Check against</source>
        <translation>对照</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="232"/>
        <source>The plan is a</source>
        <translation>本规划为</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="234"/>
        <source>Merge approved plan…</source>
        <translation>批复后入库…</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="235"/>
        <source>After approval: put the plan just checked (passed) into the one map.</source>
        <translation>规划批复后：把刚核对（通过）的规划纳入一张图。</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="270"/>
        <source>the one map as it is now</source>
        <translation>现行一张图</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="272"/>
        <source>version {} ({})</source>
        <translation>版本 {}（{}）</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="287"/>
        <source>Select one version.</source>
        <translation>请选择一个版本。</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="294"/>
        <source>Loaded: {}</source>
        <translation>已加载：{}</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="299"/>
        <source>Select one version (what its merge changed) or two.</source>
        <translation>请选择一个版本（查看该次入库的变化）或两个版本。</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="302"/>
        <source>Folder for the comparison</source>
        <translation>对比结果保存位置</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="307"/>
        <source>Working…</source>
        <translation>处理中…</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="316"/>
        <source>Changes v{} → v{}</source>
        <translation>规划调整 版本{}→版本{}</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="318"/>
        <source>Added {:.2f} m², removed {:.2f} m², use changed {:.2f} m²</source>
        <translation>新增 {:.2f} 平方米，移出 {:.2f} 平方米，用途改变 {:.2f} 平方米</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="96"/>
        <source>Merge the approved plan into the one map</source>
        <translation>已批规划入库</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="98"/>
        <source>Plan: {}
Checked: {}
One map: {}</source>
        <translation>规划：{}
核对结果：{}
一张图：{}</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="104"/>
        <source>e.g. 孝政函〔2024〕12号</source>
        <translation>例如 孝政函〔2024〕12号</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="113"/>
        <source>Approval document no.</source>
        <translation>批复文号</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="114"/>
        <source>Approval date</source>
        <translation>批复日期</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="115"/>
        <source>Kind of change</source>
        <translation>变更类型</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="116"/>
        <source>Merged by</source>
        <translation>入库人</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="123"/>
        <source>Dry run</source>
        <translation>试运行</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="124"/>
        <source>Merge</source>
        <translation>入库</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="144"/>
        <source>Working…</source>
        <translation>处理中…</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="145"/>
        <source>OneMap merge</source>
        <translation>一张图入库</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="156"/>
        <source>Refused, the one map is unchanged:</source>
        <translation>未入库，一张图没有改动：</translation>
    </message>
</context>
<context>
    <name>OneMapDock</name>
    <message>
        <location filename="../gui/dock.py" line="83"/>
        <source>Sources</source>
        <translation>数据源</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="88"/>
        <source>Detect from the layers</source>
        <translation>按图层自动判断</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="91"/>
        <source>Label codes and names</source>
        <translation>标注代码和名称</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="106"/>
        <source>One map</source>
        <translation>一张图</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="107"/>
        <source>Plan under review</source>
        <translation>待核对规划</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="305"/>
        <source>Plan kind</source>
        <translation>规划类型</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="118"/>
        <source>Load layers</source>
        <translation>加载图层</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="124"/>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="124"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="133"/>
        <source>One-map verification</source>
        <translation>一张图核对</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="138"/>
        <source>Default for the plan kind</source>
        <translation>按规划类型默认</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="146"/>
        <source>Rule set</source>
        <translation>规则集</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="147"/>
        <source>Findings file</source>
        <translation>结果文件</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="149"/>
        <source>Verify</source>
        <translation>核对</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="151"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="292"/>
        <source>{} layers loaded</source>
        <translation>已加载 {} 个图层</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="296"/>
        <source>loaded</source>
        <translation>已加载</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="296"/>
        <source>provisional style</source>
        <translation>暂定样式</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="299"/>
        <source>Provisional style: the official symbol is not verified yet.</source>
        <translation>暂定样式：官方符号尚未核实。</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="301"/>
        <source>failed: {}</source>
        <translation>失败：{}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="309"/>
        <source>missing</source>
        <translation>缺少</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="311"/>
        <source>not recognised: {}</source>
        <translation>未识别：{}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="326"/>
        <source>Pick the one map and the plan first.</source>
        <translation>请先选择一张图和待核对规划。</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="339"/>
        <source>Checking…</source>
        <translation>正在核对…</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="386"/>
        <source>Cancelled: nothing was written.</source>
        <translation>已取消：未写入任何结果。</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="96"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="98"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="108"/>
        <source>More plans</source>
        <translation>更多规划</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="94"/>
        <source>Several plans are checked one after another into a folder you choose: one findings file each and a summary.</source>
        <translation>多个成果逐个核对，写入所选文件夹：每个成果一个核对结果文件，另附汇总表。</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="165"/>
        <source>Findings</source>
        <translation>核对结果</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="113"/>
        <source>A land-use layer open in the project is checked as it is now, unsaved edits included; it takes the place of the plan above.</source>
        <translation>按工程中图层的当前内容核对（包括未保存的编辑），代替上方的规划成果。</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="115"/>
        <source>…or project layer</source>
        <translation>…或工程图层</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="177"/>
        <source>User guide</source>
        <translation>帮助：用户指南</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="305"/>
        <source>chosen by the user</source>
        <translation>由使用者指定</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="364"/>
        <source>{} holds the check of another plan ({}): its decisions are not carried over and it is replaced.</source>
        <translation>{} 是另一规划（{}）的核对结果：其中的审查决定未沿用，该文件已被本次结果替换。</translation>
    </message>
</context>
<context>
    <name>SourcePicker</name>
    <message>
        <location filename="../gui/source_picker.py" line="41"/>
        <source>GeoPackage or shapefile…</source>
        <translation>GeoPackage 或 Shapefile…</translation>
    </message>
    <message>
        <location filename="../gui/source_picker.py" line="42"/>
        <source>Folder (.gdb or shapefiles)…</source>
        <translation>文件夹（.gdb 或 Shapefile）…</translation>
    </message>
    <message>
        <location filename="../gui/source_picker.py" line="57"/>
        <source>Plan source</source>
        <translation>规划数据源</translation>
    </message>
    <message>
        <location filename="../gui/source_picker.py" line="57"/>
        <source>GeoPackage or shapefile (*.gpkg *.shp)</source>
        <translation>GeoPackage 或 Shapefile (*.gpkg *.shp)</translation>
    </message>
    <message>
        <location filename="../gui/source_picker.py" line="63"/>
        <source>Plan source folder</source>
        <translation>规划数据源文件夹</translation>
    </message>
    <message>
        <location filename="../gui/source_picker.py" line="33"/>
        <source>GeoPackage, .gdb folder, shapefile folder or PostGIS</source>
        <translation>GeoPackage、.gdb 文件夹、Shapefile 文件夹或 PostGIS</translation>
    </message>
    <message>
        <location filename="../gui/source_picker.py" line="43"/>
        <source>PostGIS connection…</source>
        <translation>PostGIS 连接…</translation>
    </message>
    <message>
        <location filename="../gui/source_picker.py" line="71"/>
        <source>No PostgreSQL connection is saved in QGIS yet (Browser ▸ PostgreSQL ▸ New Connection).</source>
        <translation>QGIS 中尚未保存 PostgreSQL 连接（浏览器 ▸ PostgreSQL ▸ 新建连接）。</translation>
    </message>
    <message>
        <location filename="../gui/source_picker.py" line="82"/>
        <source>PostGIS connection</source>
        <translation>PostGIS 连接</translation>
    </message>
    <message>
        <location filename="../gui/source_picker.py" line="74"/>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <location filename="../gui/source_picker.py" line="82"/>
        <source>Schema</source>
        <translation>模式</translation>
    </message>
</context>
<context>
    <name>TrailDialog</name>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="172"/>
        <source>Trail of the one map</source>
        <translation>一张图全过程留痕</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="181"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="187"/>
        <source>Export the trail</source>
        <translation>导出留痕</translation>
    </message>
    <message>
        <location filename="../gui/lifecycle_panel.py" line="195"/>
        <source>{} versions, {} entries written to {}</source>
        <translation>{} 个版本、{} 条留痕已写入 {}</translation>
    </message>
</context>
</TS>
