#!/usr/bin/env python3
"""Writes each ```cpp block of a Markdown file into its own C++ translation unit.

usage: extract_blocks.py README.md OUT_DIR

Each unit includes <ocikit/ocikit.hpp>; a block's own #include lines go to the top of its unit,
and the rest becomes the body of a function,
with #line directives so that the compiler's messages name README.md's lines. The units are
compiled by tests/readme/tests.cmake, so the documented API cannot drift from the headers.
Prints the paths written, one per line. A file without any ```cpp block is an error.
"""
import pathlib
import sys


def blocks(lines):
    """Yields (first line number, [lines]) of each ```cpp block."""
    inside = False
    start = 0
    body = []
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not inside and stripped == "```cpp":
            inside, start, body = True, number + 1, []
        elif inside and stripped == "```":
            inside = False
            yield start, body
        elif inside:
            body.append((number, line))
    if inside:
        sys.exit(f"unterminated ```cpp block starting at line {start - 1}")


def unit(source, index, start, body):
    includes = [line for _, line in body if line.lstrip().startswith("#include")]
    out = [
        f"// Generated from {source.name} (```cpp block {index}, line {start}) by",
        "// tests/readme/extract_blocks.py: do not edit.",
        "#include <iostream>",
        "#include <string>",
        "#include <string_view>",
        "#include <system_error>",
        "",
        "#include <ocikit/ocikit.hpp>  // the blocks after the first one use the library too",
        *includes,
        "",
        f"namespace readme_block_{index} {{",
        "[[maybe_unused]] void run() {",
    ]
    for number, line in body:
        if line.lstrip().startswith("#include"):
            continue
        out.append(f'#line {number} "{source}"')
        out.append(line)
    out += ["}", f"}}  // namespace readme_block_{index}", ""]
    return "\n".join(out)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source = pathlib.Path(sys.argv[1]).resolve()
    out_dir = pathlib.Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    found = list(blocks(source.read_text(encoding="utf-8").splitlines()))
    if not found:
        sys.exit(f"no ```cpp block in {source}")
    for old in out_dir.glob("block_*.cpp"):
        old.unlink()
    for index, (start, body) in enumerate(found, 1):
        path = out_dir / f"block_{index}.cpp"
        path.write_text(unit(source, index, start, body), encoding="utf-8")
        print(path)


if __name__ == "__main__":
    main()
