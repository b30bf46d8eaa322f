"""A rule's citation as a handed-in report shows it: the Chinese documents it cites and a Chinese status word.

The rule sets' `source` notes are written for maintainers (English remarks, file paths, [Sn] source
numbers of /work/shared/standards/rule-review.md). The report keeps only what a reviewer can look up —
《titles》 with their sections or articles, 文号 and standard numbers; a bare [Sn] becomes the document it
stands for (SOURCES) — and states the status in one word.
"""
import re
from datetime import datetime

STATUS_ZH = {"verified": "已核实", "likely": "较可靠", "provisional": "暂定", "judgement": "判断"}
NUMBER = r"[0-9一二三四五六七八九十百]+"
CITATION = re.compile(
    r"(?:[\u4e00-\u9fff]{0,12}《[^》]+》"                                   # 山西省自然资源厅《…》
    r"|[\u4e00-\u9fff]{2,12}〔\d{4}〕\d+号"                                  # 自然资发〔2023〕193号
    r"|GB(?:/T)?\s?[\d.]+(?:-\d{4})?"                                       # GB/T 21010-2017
    r"|[\u4e00-\u9fff]{2,10}法(?=\s*第))"                                   # 文物保护法 第十七条
    r"(?:\s*[(（]?\d{4}[)）]?)?"                                             # (2021)
    r"(?:\s*(?:§\s?[\d.]+(?:、§?[\d.]+)*|第" + NUMBER + r"条(?:、第?" + NUMBER + r"条)*))?")
SOURCE_NUMBER = re.compile(r"\[(S\d+)\]")
SOURCES = {  # rule-review's [Sn] that name a document a reviewer can look up (web pages and notes do not)
    "S1": "《阳泉市国土空间总体规划（2021-2035年）》", "S2": "《孝义市阳泉曲镇国土空间总体规划（2021-2035年）》",
    "S3": "《关于加强生态保护红线管理的通知（试行）》", "S5": "自然资发〔2023〕193号",
    "S6": "山西省自然资源厅《关于加强城镇开发边界管理工作的通知》", "S7": "广东省城镇开发边界管理通知",
    "S8": "自然资发〔2021〕166号", "S9": "自然资规〔2019〕4号", "S10": "GB/T 21010-2017", "S11": "GB 50137",
    "S13": "村庄规划数据库成果模板", "S15": "《文物保护法》", "S16": "《防洪法》《水法》",
    "S17": "国土调查办发〔2008〕32号", "S18": "《若干意见》", "S19": "《第三次全国国土调查技术规程》",
    "S20": "自然资发〔2023〕234号", "S21": "《市级国土空间总体规划数据库规范（试行）》",
    "S22": "国土空间规划成果质检通行规则"}
OWN = "OneMap 自定规则，无官方条文"


def citation_zh(source):
    """'《…》§3.2；自然资发〔2023〕193号 [S5]' from a rule's source note; OWN when it cites no document."""
    parts = []
    for segment in re.split(r"[;；]", source or ""):
        found = [match.group(0).strip() for match in CITATION.finditer(segment)]
        if not found:
            found = [SOURCES[number] for number in SOURCE_NUMBER.findall(segment) if number in SOURCES]
        parts.extend(found)
    parts = [part for part in dict.fromkeys(parts)
             if not any(part != other and part in other for other in parts)]      # 《…》 inside 《…》§3.2
    return "；".join(parts) if parts else OWN


def status_zh(status):
    return STATUS_ZH.get(status or "", "")


def when_zh(started, finished=""):
    """'2026-12-02 21:06，北京时间' (offset +08:00) or '2026-12-02 13:06（UTC+00:00）'; a span '… 至 21:07'."""
    try:
        start = datetime.fromisoformat(started)
        end = datetime.fromisoformat(finished) if finished else None
    except (TypeError, ValueError):
        return " 至 ".join(text for text in (started, finished) if text)
    text = start.strftime("%Y-%m-%d %H:%M")
    if end is not None and end.strftime("%Y-%m-%d %H:%M") != text:
        text += " 至 " + end.strftime("%H:%M" if end.date() == start.date() else "%Y-%m-%d %H:%M")
    offset = start.strftime("%z")
    if not offset:
        return text
    if offset == "+0800":
        return text + "，北京时间"
    return "{}（UTC{}:{}）".format(text, offset[:3], offset[3:])
