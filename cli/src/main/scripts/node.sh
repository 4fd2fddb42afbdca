# Sourced (bash), not run: gets the Node.js that the local DynamoDB (dynalite 4) and the static checks need,
# and their npm packages. Used by the launcher (./vidmeta). Defines MIN_NODE, find_node, ensure_node and
# npm_ci_changed. Expects ROOT, say and die from the launcher.

MIN_NODE=20 # dynalite 4.0.0's engines field
# Debian 12's apt has Node 18. When no Node 20+ is on the machine, Node's own Linux build comes from the npm
# registry, where it is published as the package node-linux-<arch>, pinned here by the SHA-512 of its tarball
# (the hex form of the registry's own "integrity" for that version).
NODE_PACKAGE_VERSION=20.20.2
declare -A NODE_PACKAGE_SHA512=(
  [x64]=3de1d033cc007661ed640d66068732819c6ce4b8945adb097b3413901774898f7cecaa46ac3d4edad544c9dbcc662b9771e45a9f1b7bae34e70c407038fba3a1
  [arm64]=2c25c99cd4c58b21ae601c36819488e4e04531b92300fb7cb2a0ff34aad6a04d90983812b9b4ea16783a19a349f4427c1e9c413067165a96db72ce15a3e0a71a
)
NODE_HOME="$ROOT/.vidmeta/node"

node_major() { # prints the major version of the node at $1, or nothing
  # --version (v20.20.2), not -p: it answers before Node starts its JavaScript engine, ~5 ms instead of ~130 ms.
  local version
  version=$("$1" --version 2>/dev/null) || return 0
  version=${version#v}
  [[ $version =~ ^[0-9]+ ]] && echo "${BASH_REMATCH[0]}"
  return 0
}

find_node() { # VIDMETA_NODE, then the one the launcher installed, then the PATH's; the first that is new enough
  local candidate major
  for candidate in "${VIDMETA_NODE:-}" "$NODE_HOME/bin/node" "$(command -v node || true)"; do
    [[ -n "$candidate" && -x "$candidate" ]] || continue
    major=$(node_major "$candidate")
    if [[ -n "$major" && "$major" -ge $MIN_NODE ]]; then echo "$candidate"; return; fi
  done
}

install_node() { # node-linux-<arch>@NODE_PACKAGE_VERSION from the npm registry into NODE_HOME
  local arch tmp tarball sum
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) die "no Node.js $MIN_NODE+ found, and none to install for $(uname -m): install Node.js $MIN_NODE or later" ;;
  esac
  say "no Node.js $MIN_NODE+ found: installing Node.js $NODE_PACKAGE_VERSION (npm package node-linux-$arch) into $NODE_HOME"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$NODE_PACKAGE_VERSION" >/dev/null) \
    || { rm -rf "$tmp"; die "could not fetch node-linux-$arch@$NODE_PACKAGE_VERSION from the npm registry"; }
  tarball="$tmp/node-linux-$arch-$NODE_PACKAGE_VERSION.tgz"
  sum=$(sha512sum "$tarball" | cut -d' ' -f1)
  if [[ "$sum" != "${NODE_PACKAGE_SHA512[$arch]}" ]]; then
    rm -rf "$tmp"
    die "node-linux-$arch@$NODE_PACKAGE_VERSION does not match its pinned SHA-512 ($sum)"
  fi
  rm -rf "$NODE_HOME" && mkdir -p "$NODE_HOME"
  tar -xzf "$tarball" -C "$NODE_HOME" --strip-components=1
  rm -rf "$tmp"
}

ensure_node() { # exports VIDMETA_NODE: a Node.js MIN_NODE+, installed first if the machine has none; npm too
  local node
  # npm fetches the packages (and, if need be, Node itself). Debian's npm runs on Debian's Node 18, which is
  # fine for fetching: only the local DynamoDB has to run on 20+.
  command -v npm >/dev/null || require npm
  node=$(find_node)
  if [[ -z "$node" ]]; then
    install_node
    node=$(find_node)
    [[ -n "$node" ]] || die "installed Node.js $NODE_PACKAGE_VERSION into $NODE_HOME, but it does not run"
  fi
  export VIDMETA_NODE="$node"
  # First on the PATH too, for whatever runs plain `node` (on a fresh Debian 12 apt's 18 is there already).
  local node_dir=. # dirname's answer, without starting it
  [[ "$node" == */* ]] && node_dir=${node%/*}
  PATH="${node_dir:-/}:$PATH"
  export PATH
}

npm_ci_changed() { # $@: directories (default: every one with a committed package-lock.json) -> npm ci where
  # the lockfile changed since the last install. One install at a time per directory (flock): two launchers
  # started together must not both empty the same node_modules.
  local lock dir stamp sum
  local -a locks
  if (($#)); then
    for dir in "$@"; do locks+=("$dir/package-lock.json"); done
  else
    mapfile -t locks < <(find "$ROOT" \( -name node_modules -o -name target -o -name .git -o -name .vidmeta \) \
      -prune -o -name package-lock.json -print)
  fi
  for lock in "${locks[@]}"; do
    dir=${lock%/*} # always a path with a directory: "$dir/package-lock.json" or what find printed under $ROOT
    stamp="$dir/node_modules/.vidmeta-lock.sha256"
    sum=$(sha256sum "$lock")
    sum=${sum%% *}
    [[ -f "$stamp" && "$(<"$stamp")" == "$sum" ]] && continue
    (
      flock 9
      [[ -f "$stamp" && "$(cat "$stamp")" == "$sum" ]] && exit 0 # another launcher installed it meanwhile
      say "installing the npm packages of ${dir#"$ROOT"/} (npm ci)"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci failed in $dir"
      echo "$sum" >"$stamp"
    ) 9>"$dir/.npm-ci.lock" || exit 1
  done
}
