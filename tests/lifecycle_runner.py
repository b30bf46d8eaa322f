"""A merge in a process of its own, for the tests that kill it (kill -9) or run two at once.

    python lifecycle_runner.py '<json: plan, findings, onemap, approval_no, approved_on, change>'

Prints what the merge says (waiting for another merge included) and 'merged <version>' or
'refused: <message>' (exit code 1). With ONEMAP_TEST_PAUSE_AT=<step> the merge stops at that step
(core.lifecycle.merge._pause) until a line arrives on stdin.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from qgis.core import QgsApplication  # noqa: E402


class Feedback:
    def pushInfo(self, text):  # noqa: N802
        print(text, flush=True)

    def isCanceled(self):  # noqa: N802
        return False


def main():
    args = json.loads(sys.argv[1])
    app = QgsApplication([], False)
    app.initQgis()
    from plugin.core.errors import OneMapError
    from plugin.core.lifecycle.merge import merge_plan
    try:
        result = merge_plan(args["plan"], args["findings"], args["onemap"], args["approval_no"], args["approved_on"],
                            args["change"], feedback=Feedback())
    except OneMapError as exc:
        print("refused: " + exc.zh, flush=True)
        return 1
    print("merged {}".format(result.version), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
