"""The wheel's one compiled module: the columnar engine's JSON Lines reader
(``advisor/engine/_jsonl.c``, issue 15 §4).

Why a hook and not a compiled-extension build system: the module is optional. Where no C
compiler is found (or it fails, or ``ADVISOR_NO_NATIVE=1`` is set) the wheel is built without it,
pure Python as before, and the columnar engine reads JSON Lines through msgspec instead (some
three times slower, the same frames; ``advisor.engine.columnar.NATIVE`` says which). A compiler
and Python's headers are what durable-rules, the default engine, already asks for.
"""

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = "advisor/engine/_jsonl.c"


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        self._temporary = ""
        if self.target_name != "wheel" or os.environ.get("ADVISOR_NO_NATIVE") or sys.platform == "win32":
            return
        suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
        target = f"advisor/engine/_jsonl{suffix}"
        if version == "editable":  # beside the source, where the editable install finds it
            out = Path(self.root) / target
        else:
            self._temporary = tempfile.mkdtemp(prefix="advisor-native-")
            out = Path(self._temporary) / f"_jsonl{suffix}"
        compiler = shlex.split(sysconfig.get_config_var("CC") or "cc")
        link = ["-bundle", "-undefined", "dynamic_lookup"] if sys.platform == "darwin" else ["-shared"]
        command = [
            *compiler,
            "-O3",  # the evaluator's loops over columns become vector instructions
            "-fPIC",
            *link,
            f"-I{sysconfig.get_paths()['include']}",
            str(Path(self.root) / SOURCE),
            "-o",
            str(out),
        ]
        try:
            subprocess.run(command, check=True, capture_output=True, text=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            detail = getattr(exc, "stderr", "") or str(exc)
            self.app.display_warning(
                f"advisor: the columnar engine's C reader was not built ({detail.strip().splitlines()[-1:]}); "
                "JSON Lines are read through msgspec instead"
            )
            return
        if version != "editable":
            build_data["force_include"][str(out)] = target
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self._temporary:
            shutil.rmtree(self._temporary, ignore_errors=True)
