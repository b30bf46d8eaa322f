<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>@default</name>
    <message>
        <location filename="../gui/tasks.py" line="62"/>
        <source>OneMap verification</source>
        <translation>一张图核对</translation>
    </message>
    <message>
        <location filename="../processing/parameters.py" line="21"/>
        <source>Detect from the layers</source>
        <translation>按图层自动判断</translation>
    </message>
    <message>
        <location filename="../processing/parameters.py" line="23"/>
        <source>Plan kind</source>
        <translation>规划类型</translation>
    </message>
    <message>
        <location filename="../processing/load_plan.py" line="33"/>
        <source>Plan source</source>
        <translation>规划数据源</translation>
    </message>
    <message>
        <location filename="../processing/describe_source.py" line="35"/>
        <source>Recognised layers</source>
        <translation>已识别图层数</translation>
    </message>
    <message>
        <location filename="../processing/describe_source.py" line="36"/>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../processing/load_plan.py" line="35"/>
        <source>Label codes and names</source>
        <translation>标注代码和名称</translation>
    </message>
    <message>
        <location filename="../processing/load_plan.py" line="36"/>
        <source>Layers loaded</source>
        <translation>已加载图层数</translation>
    </message>
    <message>
        <location filename="../processing/load_plan.py" line="37"/>
        <source>Layers that failed to open</source>
        <translation>无法打开的图层数</translation>
    </message>
    <message>
        <location filename="../processing/load_plan.py" line="38"/>
        <source>Layer group</source>
        <translation>图层组</translation>
    </message>
    <message>
        <location filename="../processing/load_plan.py" line="43"/>
        <source>Loading layers needs a QGIS project.</source>
        <translation>加载图层需要一个 QGIS 工程。</translation>
    </message>
    <message>
        <location filename="../processing/load_plan.py" line="53"/>
        <source>Not loaded: {} — {}</source>
        <translation>未加载：{} — {}</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="65"/>
        <source>Rule set (id or .yaml path; empty: default for the plan kind)</source>
        <translation>规则集（id 或 .yaml 路径；留空则按规划类型选默认）</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="71"/>
        <source>Findings GeoPackage</source>
        <translation>核对结果 GeoPackage</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="73"/>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="73"/>
        <source>Warnings</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="73"/>
        <source>Notes</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="75"/>
        <source>Run id</source>
        <translation>运行编号</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="105"/>
        <source>Cancelled: nothing was written.</source>
        <translation>已取消：未写入任何结果。</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="113"/>
        <source>Findings written to {}</source>
        <translation>核对结果已写入 {}</translation>
    </message>
    <message>
        <location filename="../processing/describe_source.py" line="26"/>
        <source>Describe plan source</source>
        <translation>识别数据源</translation>
    </message>
    <message>
        <location filename="../processing/load_plan.py" line="24"/>
        <source>Load plan with official styles</source>
        <translation>按官方样式加载规划图层</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="54"/>
        <source>Verify plan against the one map</source>
        <translation>规划一张图核对</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="60"/>
        <source>Plan under review (village or detailed plan)</source>
        <translation>待核对规划（村庄规划/详细规划）</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="64"/>
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
        <location filename="../processing/verify_plan.py" line="68"/>
        <source>Previous findings GeoPackage (its reviewer decisions carry over)</source>
        <translation>上次核对结果 GeoPackage（其中的审查决定将沿用）</translation>
    </message>
    <message>
        <location filename="../processing/export_mapsheets.py" line="21"/>
        <source>Export map sheets</source>
        <translation>导出成果图件</translation>
    </message>
    <message>
        <location filename="../processing/verify_folder.py" line="35"/>
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
        <location filename="../processing/verify_folder.py" line="25"/>
        <source>Verify all plans in a folder</source>
        <translation>批量核对文件夹中的规划成果</translation>
    </message>
    <message>
        <location filename="../processing/verify_folder.py" line="31"/>
        <source>Folder of plans</source>
        <translation>规划成果文件夹</translation>
    </message>
    <message>
        <location filename="../processing/verify_folder.py" line="36"/>
        <source>Plans</source>
        <translation>成果数</translation>
    </message>
    <message>
        <location filename="../processing/verify_folder.py" line="36"/>
        <source>Plans that could not be checked</source>
        <translation>无法核对的成果数</translation>
    </message>
    <message>
        <location filename="../processing/verify_folder.py" line="49"/>
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
        <location filename="../gui/export_panel.py" line="121"/>
        <source>Folder for the findings and the summary</source>
        <translation>核对结果与汇总的输出文件夹</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="129"/>
        <source>OneMap batch check</source>
        <translation>OneMap 批量核对</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="136"/>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="158"/>
        <source>Batch check summary</source>
        <translation>批量核对汇总</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="164"/>
        <source>{} plans checked, {} failed</source>
        <translation>已核对 {} 个成果，{} 个无法核对</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="187"/>
        <source>Written: {}</source>
        <translation>已写入：{}</translation>
    </message>
    <message>
        <location filename="../gui/findings_model.py" line="62"/>
        <source>Rule / finding</source>
        <translation>规则 / 问题</translation>
    </message>
    <message>
        <location filename="../gui/findings_model.py" line="62"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../gui/findings_model.py" line="62"/>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="61"/>
        <source>…or its land-use layer in the project (unsaved edits are checked)</source>
        <translation>…或工程中的规划用地图层（未保存的编辑一并核对）</translation>
    </message>
    <message>
        <location filename="../processing/verify_plan.py" line="79"/>
        <source>Give the plan: a source (PLAN) or a project layer (PLAN_LAYER).</source>
        <translation>请指定规划：数据源（PLAN）或工程中的图层（PLAN_LAYER）。</translation>
    </message>
    <message>
        <location filename="../gui/findings_model.py" line="62"/>
        <source>m²</source>
        <translation>平方米</translation>
    </message>
    <message>
        <location filename="../gui/findings_model.py" line="62"/>
        <source>mu</source>
        <translation>亩</translation>
    </message>
    <message>
        <location filename="../gui/findings_model.py" line="63"/>
        <source>Area in square metres</source>
        <translation>面积（平方米）</translation>
    </message>
    <message>
        <location filename="../gui/findings_model.py" line="63"/>
        <source>Area in mu (亩)</source>
        <translation>面积（亩）</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="60"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="164"/>
        <source>Cancelled after {} plans, {} failed</source>
        <translation>已取消：已核对 {} 个成果，{} 个失败</translation>
    </message>
    <message>
        <location filename="../gui/export_panel.py" line="168"/>
        <source>Cancelled: {} files written</source>
        <translation>已取消：已写出 {} 个文件</translation>
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
        <location filename="../gui/findings_view.py" line="98"/>
        <source>All decisions</source>
        <translation>全部（审查决定）</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="98"/>
        <source>Undecided</source>
        <translation>未决定</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="98"/>
        <source>Decided</source>
        <translation>已决定</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="98"/>
        <source>Approved exceptions</source>
        <translation>已认可例外</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="98"/>
        <source>False positives</source>
        <translation>误报</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="177"/>
        <source>All villages</source>
        <translation>全部村</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="295"/>
        <source>Zoom to finding</source>
        <translation>缩放至问题</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="296"/>
        <source>Open attribute form</source>
        <translation>打开属性表单</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="297"/>
        <source>Decision…</source>
        <translation>审查决定…</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="302"/>
        <source>Withdraw decision</source>
        <translation>撤销审查决定</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="304"/>
        <source>Copy text</source>
        <translation>复制文字</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="98"/>
        <source>To confirm again</source>
        <translation>需复核</translation>
    </message>
    <message>
        <location filename="../gui/findings_view.py" line="300"/>
        <source>Confirm decision</source>
        <translation>确认沿用决定</translation>
    </message>
</context>
<context>
    <name>OneMapDock</name>
    <message>
        <location filename="../gui/dock.py" line="82"/>
        <source>Sources</source>
        <translation>数据源</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="87"/>
        <source>Detect from the layers</source>
        <translation>按图层自动判断</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="90"/>
        <source>Label codes and names</source>
        <translation>标注代码和名称</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="105"/>
        <source>One map</source>
        <translation>一张图</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="106"/>
        <source>Plan under review</source>
        <translation>待核对规划</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="302"/>
        <source>Plan kind</source>
        <translation>规划类型</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="117"/>
        <source>Load layers</source>
        <translation>加载图层</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="123"/>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="123"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="132"/>
        <source>One-map verification</source>
        <translation>一张图核对</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="137"/>
        <source>Default for the plan kind</source>
        <translation>按规划类型默认</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="145"/>
        <source>Rule set</source>
        <translation>规则集</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="146"/>
        <source>Findings file</source>
        <translation>结果文件</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="148"/>
        <source>Verify</source>
        <translation>核对</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="150"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="289"/>
        <source>{} layers loaded</source>
        <translation>已加载 {} 个图层</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="293"/>
        <source>loaded</source>
        <translation>已加载</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="293"/>
        <source>provisional style</source>
        <translation>暂定样式</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="296"/>
        <source>Provisional style: the official symbol is not verified yet.</source>
        <translation>暂定样式：官方符号尚未核实。</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="298"/>
        <source>failed: {}</source>
        <translation>失败：{}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="306"/>
        <source>missing</source>
        <translation>缺少</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="308"/>
        <source>not recognised: {}</source>
        <translation>未识别：{}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="323"/>
        <source>Pick the one map and the plan first.</source>
        <translation>请先选择一张图和待核对规划。</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="336"/>
        <source>Checking…</source>
        <translation>正在核对…</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="383"/>
        <source>Cancelled: nothing was written.</source>
        <translation>已取消：未写入任何结果。</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="95"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="97"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="107"/>
        <source>More plans</source>
        <translation>更多规划</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="93"/>
        <source>Several plans are checked one after another into a folder you choose: one findings file each and a summary.</source>
        <translation>多个成果逐个核对，写入所选文件夹：每个成果一个核对结果文件，另附汇总表。</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="164"/>
        <source>Findings</source>
        <translation>核对结果</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="112"/>
        <source>A land-use layer open in the project is checked as it is now, unsaved edits included; it takes the place of the plan above.</source>
        <translation>按工程中图层的当前内容核对（包括未保存的编辑），代替上方的规划成果。</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="114"/>
        <source>…or project layer</source>
        <translation>…或工程图层</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="174"/>
        <source>User guide</source>
        <translation>帮助：用户指南</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="302"/>
        <source>chosen by the user</source>
        <translation>由使用者指定</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="361"/>
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
</TS>
