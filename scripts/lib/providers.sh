# Shared by scripts/install and scripts/package: the crate version, the platform in
# Terraform's os_arch form, and the provider binaries found in a directory.

crate_version() {
  sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1
}

terraform_platform() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    FreeBSD) os=freebsd ;;
    *) echo "unsupported OS $(uname -s)" >&2; return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    i386 | i686) arch=386 ;;
    armv7l | armv6l) arch=arm ;;
    *) echo "unsupported CPU $(uname -m)" >&2; return 1 ;;
  esac
  echo "${os}_${arch}"
}

# Prints the provider names (hosthatch, hoster, ...) whose binaries are in $1.
provider_names_in() {
  local dir="$1" path
  for path in "$dir"/terraform-provider-*; do
    [[ -f "$path" && -x "$path" && "$path" != *.d ]] || continue
    basename "$path" | sed 's/^terraform-provider-//'
  done
}
