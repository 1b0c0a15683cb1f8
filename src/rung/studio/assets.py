"""The page's files: rung's own (in ``rung/studio/static``) and vis-network, served from the
installed ``pyvis`` package (nothing third-party is copied into rung).

vis-network is found through the import system's record of where ``pyvis`` lives
(:func:`importlib.util.find_spec`), without importing ``pyvis`` itself.
"""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

__all__ = ["ASSETS", "AssetError", "asset_bytes", "vis_network_dir"]

VIS_VERSION = "vis-9.1.2"

#: served name -> (where, file name, media type); "rung" = rung/studio/static
ASSETS: dict[str, tuple[str, str, str]] = {
    "studio.js": ("rung", "studio.js", "text/javascript"),
    "studio.css": ("rung", "studio.css", "text/css"),
    "vis-network.min.js": ("vis", "vis-network.min.js", "text/javascript"),
    "vis-network.css": ("vis", "vis-network.css", "text/css"),
}


class AssetError(FileNotFoundError):
    """A file the page needs is not installed; the message names the package to install."""


def vis_network_dir() -> Path:
    """The folder of vis-network inside the installed ``pyvis`` package.

    Raises
    ------
    AssetError
        pyvis is not installed, or its copy of vis-network is missing.
    """
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise AssetError("the studio's graph component (vis-network) ships in the pyvis "
                         "package, which is not installed: pip install pyvis")
    folder = Path(next(iter(spec.submodule_search_locations))) / "lib" / VIS_VERSION
    if not (folder / "vis-network.min.js").is_file():
        raise AssetError(f"{folder} holds no vis-network.min.js; reinstall pyvis 0.3.x "
                         "(pip install --force-reinstall pyvis)")
    return folder


def asset_bytes(name: str) -> tuple[bytes, str]:
    """The bytes and media type of the served file ``name`` (a key of :data:`ASSETS`)."""
    where, file, media = ASSETS[name]
    if where == "vis":
        return (vis_network_dir() / file).read_bytes(), media
    return (resources.files("rung.studio") / "static" / file).read_bytes(), media


def index_html(token: str) -> str:
    """The page, with the session token in its asset links (the token is URL-safe)."""
    text = (resources.files("rung.studio") / "static" / "index.html").read_text("utf-8")
    return text.replace("__TOKEN__", token)
