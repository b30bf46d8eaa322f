#!/usr/bin/env python3
"""Zip the built plugin folder for Plugins ▸ Install from ZIP, its file names flagged as UTF-8.

Info-ZIP's `zip` stores the sample's Chinese names (村庄规划数据库.gdb …) without the ZIP's UTF-8 flag;
QGIS's installer (pyplugin_installer.unzip, Python's zipfile) then reads them as cp437 and unpacks
µ¥æσ║äΦºäσêÆµò░µì«σ║ô.gdb. Python's zipfile sets the flag for every non-ASCII name.
    usage: tools/make_zip.py BUILD_DIR FOLDER OUTPUT.zip   (FOLDER inside BUILD_DIR becomes the ZIP's top)
"""
import os
import sys
import zipfile


def make_zip(build_dir, folder, output):
    partial = output + ".part"
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for directory, subfolders, files in os.walk(os.path.join(build_dir, folder)):
            subfolders.sort()
            archive.write(directory, os.path.relpath(directory, build_dir))
            for name in sorted(files):
                path = os.path.join(directory, name)
                archive.write(path, os.path.relpath(path, build_dir))
    os.replace(partial, output)
    return output


if __name__ == "__main__":
    print(make_zip(*sys.argv[1:4]))
