"""Render the Chinese user guide (docs/guide/index.md + images/) into HTML for the plugin ZIP.

    usage: python tools/build_guide.py docs/guide OUT_DIR

The Markdown stays the one source (readable in the repository); the HTML is what the panel's
help button and the Processing dialogs' Help button open, offline, in the user's browser.
Section anchors are the `<a id="…">` tags in the Markdown.
"""
import os
import shutil
import sys

import markdown

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; line-height: 1.7;
       max-width: 60em; margin: 2em auto; padding: 0 1.5em; color: #222; }}
h1, h2, h3 {{ line-height: 1.3; }} h2 {{ border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }}
img {{ max-width: 100%; border: 1px solid #bbb; }}
table {{ border-collapse: collapse; }} th, td {{ border: 1px solid #bbb; padding: .3em .6em; text-align: left; }}
code, pre {{ font-family: "Noto Sans Mono CJK SC", monospace; background: #f4f4f4; }}
pre {{ padding: .6em; overflow-x: auto; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""


def build(source_dir, out_dir):
    with open(os.path.join(source_dir, "index.md"), encoding="utf-8") as handle:
        text = handle.read()
    title = text.splitlines()[0].lstrip("# ").strip()
    body = markdown.markdown(text, extensions=["tables", "fenced_code"], output_format="html")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "index.html"), "w", encoding="utf-8") as handle:
        handle.write(PAGE.format(title=title, body=body))
    images = os.path.join(source_dir, "images")
    if os.path.isdir(images):
        shutil.copytree(images, os.path.join(out_dir, "images"), dirs_exist_ok=True)
    return os.path.join(out_dir, "index.html")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(build(*sys.argv[1:]))
