#!/usr/bin/env python3
"""Writes the one script the report inlines: Vega, Vega-Lite and vega-embed as globals (vega,
vegaLite, vegaEmbed), bundled by vl-convert-python (scripts/requirements/report.txt).

usage: write_vega_bundle.py OUTPUT.js
"""
import os
import sys

VEGA_LITE = "6.4"  # the report's specs are written for Vega-Lite 6 (their $schema)
EXPECTED = {"vega": "6.2.0", "vega-embed": "7.0.2"}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        import vl_convert
    except ImportError:
        sys.exit("vl-convert-python is not installed in " + sys.executable + ": run scripts/install-deps.sh, or "
                 "pip install --require-hashes -r scripts/requirements/report.txt")
    found = {"vega": vl_convert.get_vega_version(), "vega-embed": vl_convert.get_vega_embed_version()}
    if found != EXPECTED or VEGA_LITE not in vl_convert.get_vegalite_versions():
        sys.exit(f"vl-convert-python bundles {found} and Vega-Lite {vl_convert.get_vegalite_versions()}, expected "
                 f"{EXPECTED} and Vega-Lite {VEGA_LITE}: install scripts/requirements/report.txt")
    bundle = vl_convert.javascript_bundle(vl_version=VEGA_LITE)
    if "</script" in bundle.lower():
        sys.exit("the bundle contains '</script' and cannot be inlined in a <script> element")
    header = (f"/* Vega {found['vega']}, Vega-Lite {VEGA_LITE}, vega-embed {found['vega-embed']} "
              f"(BSD-3-Clause), bundled by vl-convert-python */\n")
    temporary = sys.argv[1] + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(header + bundle)
    os.replace(temporary, sys.argv[1])


if __name__ == "__main__":
    main()
