"""Build the dependency layer from pyproject.toml and publish it; prints the layer ARN that
`serverless deploy --param=depsLayerArn=...` takes. (The OCR packages are too big for a layer: the
OCR function is a container image, infra/ocr.Dockerfile.)

    python scripts/publish_layers.py --bucket <deployment-bucket> --region cn-northwest-1
    python scripts/publish_layers.py --build-only        # just build/layers/*.zip

Wheels are fetched by pip for Lambda's platform (manylinux x86_64, CPython 3.12) and compiled to
bytecode by a Python 3.12 interpreter (scripts/lambda_bytecode.py finds one), so this runs on any
machine that has one. boto3 is left out: the Lambda runtime provides it. jieba and zhconv ship only as source
packages (pure Python), so they are installed in a second pass without the platform filter."""

import argparse
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from lambda_bytecode import compile_tree, lambda_python, python_version

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "layers"
OCR = {"rapidocr", "onnxruntime"}
RUNTIME_PROVIDED = {"boto3"}
SOURCE_ONLY = {"jieba", "zhconv"}
JIEBA_CACHE = (
    "import jieba, os; t = jieba.Tokenizer(); t.tmp_dir = os.path.dirname(jieba.__file__); t.initialize(); "
    "os.chmod(os.path.join(t.tmp_dir, 'jieba.cache'), 0o644)"
)  # Lambda runs as another user
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # Debian: fonts-wqy-microhei
# Lambda's python3.12 runtime is Amazon Linux 2023 (glibc 2.34): manylinux_2_28 wheels (numpy 2.3+) run.
PLATFORM = [
    "--platform",
    "manylinux_2_28_x86_64",
    "--platform",
    "manylinux2014_x86_64",
    "--implementation",
    "cp",
    "--only-binary=:all:",
]


def requirement_sets() -> dict[str, list[str]]:
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    name = {pin: re.split(r"[=<>!~\[ ]", pin, maxsplit=1)[0].lower() for pin in pins}
    return {"deps": [p for p in pins if name[p] not in OCR | RUNTIME_PROVIDED]}


def build(layer: str, pins: list[str], out: Path, python: str) -> Path:
    target = out / layer / "python"
    shutil.rmtree(target.parent, ignore_errors=True)
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-compile", "--target", str(target)]
    binary = [p for p in pins if not any(p.lower().startswith(s) for s in SOURCE_ONLY)]
    subprocess.run([*pip, *PLATFORM, "--python-version", python_version(python), *binary], check=True)
    source = [p for p in pins if p not in binary]
    if source:
        subprocess.run([*pip, "--no-deps", *source], check=True)
    compile_tree(python, target)
    # jieba's prefix dictionary, built once here, not in every cold container's /tmp (services/policy/qa/words.py).
    subprocess.run([python, "-S", "-c", JIEBA_CACHE], env={"PYTHONPATH": str(target)}, check=True)
    # Lambda has no system fonts: the 幸福清单 PDFs need the CJK font (YIMEN_CJK_FONT=/opt/fonts/...).
    (target.parent / "fonts").mkdir()
    shutil.copy(FONT, target.parent / "fonts" / FONT.name)
    archive = out / f"{layer}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(target.parent.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(target.parent))
    return archive


def publish(archive: Path, layer: str, bucket: str, region: str) -> str:
    import boto3

    key = f"layers/yimen-{layer}-{archive.stat().st_size}.zip"
    boto3.client("s3", region_name=region).upload_file(str(archive), bucket, key)
    found = boto3.client("lambda", region_name=region).publish_layer_version(
        LayerName=f"yimen-{layer}",
        Content={"S3Bucket": bucket, "S3Key": key},
        CompatibleRuntimes=["python3.12"],
        CompatibleArchitectures=["x86_64"],
    )
    return found["LayerVersionArn"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bucket", help="an S3 bucket in the target region to upload the layer zips to")
    parser.add_argument("--region", default="cn-northwest-1")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--out", type=Path, default=OUT, help="where the layer zips are built")
    args = parser.parse_args()
    python = lambda_python()
    for layer, pins in requirement_sets().items():
        archive = build(layer, pins, args.out, python)
        print(f"built {archive} ({archive.stat().st_size // 1_000_000} MB)")
        if not args.build_only:
            print(f"{layer}LayerArn={publish(archive, layer, args.bucket, args.region)}")


if __name__ == "__main__":
    main()
