#!/usr/bin/env bash
# Fetch GraphiQL's browser assets from the npm registry into static/ (run from anywhere).
#
# The versions are the ones Strawberry's own GraphiQL page loads from a CDN
# (strawberry/static/graphiql.html in strawberry-graphql 0.341); each file is
# checked against the subresource-integrity hash that page pins, so the bytes
# served here are the bytes it would have fetched. To update: change a version
# here and its hash (from the newer Strawberry page, or `openssl dgst -sha384
# -binary FILE | base64`), run this script, and update ASSETS in assets.py.
# Needs npm (`npm pack` only downloads a package's tarball) and openssl.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
static="$here/static"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# package@version  file in the package  sha384 (base64)
assets=(
    "react@18.2.0 umd/react.production.min.js tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8"
    "react-dom@18.2.0 umd/react-dom.production.min.js bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh"
    "graphiql@3.8.3 graphiql.min.js HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie"
    "graphiql@3.8.3 graphiql.min.css Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM"
    "@graphiql/plugin-explorer@1.0.2 dist/index.umd.js 2oonKe47vfHIZnmB6ZZ10vl7T0Y+qrHQF2cmNTaFDuPshpKqpUMGMc9jgj9MLDZ9"
    "@graphiql/plugin-explorer@1.0.2 dist/style.css 5DFJlDPW2tSATRbM8kzoP1j194jexLswuNmClWoRr2Q0x7R68JIQzPHZ02Faktwi"
)
# Licenses: each package's own LICENSE. @graphiql/plugin-explorer publishes none
# (its package.json says MIT; it lives in the graphiql repository, whose LICENSE
# graphiql ships), and its UMD bundle includes graphiql-explorer 0.9.0 (MIT).
licenses=(
    "react@18.2.0 LICENSE react@18.2.0/LICENSE"
    "react-dom@18.2.0 LICENSE react-dom@18.2.0/LICENSE"
    "graphiql@3.8.3 LICENSE graphiql@3.8.3/LICENSE"
    "graphiql@3.8.3 LICENSE graphiql-plugin-explorer@1.0.2/LICENSE"
    "graphiql-explorer@0.9.0 LICENSE graphiql-plugin-explorer@1.0.2/LICENSE.graphiql-explorer"
)

unpack() {  # unpack PACKAGE@VERSION: its tarball's `package/` directory
    local spec="$1" dir="$work/${1//\//-}"
    if [[ ! -d "$dir" ]]; then
        mkdir -p "$dir"
        (cd "$dir" && npm pack --silent "$spec" >/dev/null && tar xzf ./*.tgz)
    fi
    echo "$dir/package"
}

folder() {  # static/ folder of PACKAGE@VERSION: "@scope/name@v" -> "scope-name@v"
    local spec="${1#@}"
    echo "${spec//\//-}"
}

for line in "${assets[@]}"; do
    read -r spec file sri <<<"$line"
    source="$(unpack "$spec")/$file"
    got="$(openssl dgst -sha384 -binary "$source" | base64 -w0)"
    if [[ "$got" != "$sri" ]]; then
        echo "$spec $file: sha384-$got, expected sha384-$sri" >&2
        exit 1
    fi
    mkdir -p "$static/$(folder "$spec")"
    cp "$source" "$static/$(folder "$spec")/$(basename "$file")"
done
for line in "${licenses[@]}"; do
    read -r spec file target <<<"$line"
    mkdir -p "$static/$(dirname "$target")"
    cp "$(unpack "$spec")/$file" "$static/$target"
done
echo "GraphiQL assets in $static"
