"""onemap:exportreport's engine: a findings GeoPackage -> the check report as .pdf, .html or .xlsx."""
import os

from ..errors import OneMapError
from .atomic import write_atomically
from .report_data import read_report
from .report_html import report_html, title

FORMATS = (".pdf", ".html", ".xlsx")


def export_report(findings_path, output):
    """Write the report in the format the extension of `output` names; returns the Report read."""
    extension = os.path.splitext(output)[1].lower()
    if extension == ".htm":
        extension = ".html"
    if extension not in FORMATS:
        raise OneMapError("报告格式须为 .pdf、.html 或 .xlsx：{}".format(output),
                          "The report must be .pdf, .html or .xlsx: {}".format(output))
    report = read_report(findings_path)
    if extension == ".html":
        def write(path):
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(report_html(report))
    elif extension == ".pdf":
        from .report_pdf import write_report_pdf

        def write(path):
            write_report_pdf(report_html(report), path, title(report))
    else:
        from .report_xlsx import write_report_xlsx

        def write(path):
            write_report_xlsx(report, path)
    write_atomically(output, write)
    return report
