"""Make a copy of Human's CenterNet object detector that takes a smaller square input.

Human's `centernet` (COCO-80, MobileNetV3 backbone) is fully convolutional, but its graph pins the input
at 512×512 in a handful of constants: the placeholder's shape, the three up-sampling sizes of its
feature pyramid and the width of its 128×128 output grid. Our camera frames are 320×240, so scaling them
up to 512 adds no detail and costs 3.5× the time of 256 (a phone held up, even at half size, is still
found at 256: scores 0.60 and 0.45 against 0.66 and 0.53 at 320). This writes `centernet-<size>.json/.bin` with those
constants set for `size` (a multiple of 32); the weights are untouched. Human reads the input size from
the model's signature and scales boxes by it.

    python scripts/centernet_input_size.py assets/vendor/human/models 256
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ORIGINAL_SIZE = 512


def size_constants(size: int) -> dict[str, list[int]]:
    """The int32 constants of the graph that depend on the input size, as they must be for `size`."""
    grid = size // 4  # the output grid has stride 4
    return {
        "tower_0/CenternetHead/c5_upsample/up_sampling2d/mul": [size // 16] * 2,
        "tower_0/CenternetHead/c4_upsample/up_sampling2d_1/mul": [size // 8] * 2,
        "tower_0/CenternetHead/c3_upsample/up_sampling2d_2/mul": [grid] * 2,
        "tower_0/BatchGather/concat": [grid * grid, 4],  # boxes per grid cell, flattened
        "tower_0/strided_slice_6": [grid],  # grid width: flat index → (x, y)
    }


def write_resized_model(models_dir: Path, size: int) -> Path:
    """Write `centernet-<size>.json` and `.bin` next to `centernet.json`; return the JSON's path."""
    if size % 32 or not 128 <= size <= ORIGINAL_SIZE:
        raise ValueError(f"size must be a multiple of 32 between 128 and {ORIGINAL_SIZE}, not {size}")
    graph = json.loads((models_dir / "centernet.json").read_text())
    weights = bytearray((models_dir / "centernet.bin").read_bytes())
    wanted = size_constants(size)
    expected = size_constants(ORIGINAL_SIZE)
    offset = 0
    for entry in graph["weightsManifest"][0]["weights"]:
        count = int(np.prod(entry["shape"])) if entry["shape"] else 1
        quantization = entry.get("quantization")
        length = count * (np.dtype(quantization["dtype"]).itemsize if quantization else 4)
        if entry["name"] in wanted:
            found = np.frombuffer(bytes(weights[offset : offset + length]), np.int32).tolist()
            if entry["dtype"] != "int32" or quantization or found != expected.pop(entry["name"]):
                raise ValueError(f"unexpected centernet graph: {entry['name']} is {found}")
            weights[offset : offset + length] = np.array(wanted[entry["name"]], np.int32).tobytes()
        offset += length
    if expected or offset != len(weights):
        raise ValueError(f"unexpected centernet graph: missing {sorted(expected)} or wrong weight layout")
    for shape in [n["attr"]["shape"]["shape"] for n in graph["modelTopology"]["node"] if n["op"] == "Placeholder"] + [
        i["tensorShape"] for i in graph["signature"]["inputs"].values()
    ]:
        shape["dim"][1]["size"] = shape["dim"][2]["size"] = str(size)
    name = f"centernet-{size}"
    graph["weightsManifest"][0]["paths"] = [f"{name}.bin"]
    (models_dir / f"{name}.bin").write_bytes(weights)
    target = models_dir / f"{name}.json"
    target.write_text(json.dumps(graph))
    return target


if __name__ == "__main__":
    print(write_resized_model(Path(sys.argv[1]), int(sys.argv[2])))
