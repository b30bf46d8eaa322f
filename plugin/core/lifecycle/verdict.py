"""What a findings GeoPackage says about the check it records: its run record, its verdict and the
reviewer decisions it counts.

The verdict is the report's (core.export.report_data: 通过 when every error is decided, none waits to be
confirmed again and no rule failed to run). Decisions are validated where they are read
(core.review.decisions.read): one that is no valid decision (an accepted exception without 批复文号, an
unknown kind, no reason — e.g. written into the file by hand) counts as 需复核 and closes nothing.
"""
import hashlib
from dataclasses import dataclass, field

from ..errors import OneMapError
from ..export.report_data import UNDECIDED, read_report
from ..review import decisions, readback


@dataclass
class Check:
    path: str
    run: dict                            # the `run` table's row
    report: object                       # report_data.Report
    decided: list = field(default_factory=list)     # open decisions.Decision rows that close their finding
    invalid: list = field(default_factory=list)     # open decisions.Decision rows that are no valid decision
    sha256: str = ""

    @property
    def passed(self):
        return self.report.passed

    def refusal(self):
        """Why the check does not allow a merge ((zh, en)), or None."""
        if self.passed:
            return None
        report = self.report
        to_confirm = report.count("error", "review")
        open_errors = report.open_count("error") - to_confirm
        failed = report.failed_rules
        zh = ["未处理的错误 {} 项".format(open_errors)]
        en = ["{} open errors".format(open_errors)]
        if to_confirm:
            zh.append("需复核 {} 项".format(to_confirm))
            en.append("{} to confirm again".format(to_confirm))
        if failed:
            zh.append("执行出错的规则 {}".format("、".join(failed)))
            en.append("rules that failed to run: {}".format(", ".join(failed)))
        if report.problems:
            zh.append("文件前后不一致（{}）".format(readback.contradictions_text(report.problems)))
            en.append("the file contradicts itself ({})".format(readback.contradictions_text(report.problems, False)))
        if report.stale_rules:
            zh.append("规划在核对后已编辑，规则 {} 的结论是编辑前的，请重新核对".format("、".join(report.stale_rules)))
            en.append("the plan was edited after the check: the outcomes of {} are from before, check it again".format(
                ", ".join(report.stale_rules)))
        if self.invalid:
            zh.append("无效的审查决定 {} 项按未决处理（{}）".format(len(self.invalid), "；".join(d.problem for d in self.invalid)))
            en.append("{} invalid decisions count as undecided".format(len(self.invalid)))
        return ("核对结果 {} 的结论为{}（{}），不能入库".format(self.path, report.verdict, "，".join(zh)),
                "The check {} {} ({}): it cannot be merged".format(
                    self.path, "cannot be judged" if report.verdict == UNDECIDED else "did not pass", ", ".join(en)))


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_check(path):
    """The check a findings GeoPackage records; OneMapError if it is not one."""
    report = read_report(path)
    open_rows = [decision for decision in decisions.read(path) if not decision.resolved]
    decided = [decision for decision in open_rows if decision.state != "review"]
    invalid = [decision for decision in open_rows if decision.problem]
    try:
        sha256 = file_sha256(path)
    except OSError as exc:
        raise OneMapError("无法读取核对结果 {}：{}".format(path, exc.strerror), "Cannot read {}: {}".format(path, exc.strerror))
    return Check(path=path, run=report.run, report=report, decided=decided, invalid=invalid, sha256=sha256)
