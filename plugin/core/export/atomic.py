"""Write an output file atomically: into a hidden temporary file beside it, then move it into place."""
import os
import tempfile


def write_atomically(path, write):
    """Call write(temporary_path) and move the result onto `path`; nothing is left behind on failure.

    The temporary name keeps the extension: GDAL drivers and QGIS exporters choose formats by it.
    """
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".onemap-", suffix=os.path.splitext(path)[1], dir=folder)
    os.close(handle)
    os.remove(temporary)
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path
