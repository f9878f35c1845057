# Shared helpers for scripts that run terraform against a local hostform-sim:
# start the simulator on a free port, write a CLI config whose dev_overrides point
# every hostform/<vendor> provider at a directory of locally built binaries, and
# ask the simulator's admin API whether anything is left. Needs only bash + python3.
# Sourced by scripts/demo.

HOSTFORM_VENDORS="hosthatch hoster openhosting terrahost gigahost"

# start_sim BINARY TIME_SCALE LOG_DIR: starts the simulator in the background and
# sets SIM_PID and SIM_URL (from its first stdout line). Fails after 30 s.
start_sim() {
  local binary="$1" time_scale="$2" log_dir="$3" line=""
  "$binary" --listen 127.0.0.1:0 --time-scale "$time_scale" \
    >"$log_dir/sim.stdout" 2>"$log_dir/sim.stderr" &
  SIM_PID=$!
  for _ in $(seq 300); do
    line="$(head -n 1 "$log_dir/sim.stdout" 2>/dev/null || true)"
    [[ "$line" == "hostform-sim listening on http://"* ]] && break
    kill -0 "$SIM_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [[ "$line" != "hostform-sim listening on http://"* ]]; then
    echo "error: $binary did not start; its stderr:" >&2
    cat "$log_dir/sim.stderr" >&2
    return 1
  fi
  SIM_URL="${line#hostform-sim listening on }"
}

# write_cli_config FILE PROVIDER_DIR: dev_overrides for every hostform vendor built there.
write_cli_config() {
  local file="$1" dir="$2" vendor
  {
    echo "provider_installation {"
    echo "  dev_overrides {"
    for vendor in $HOSTFORM_VENDORS; do
      [[ -x "${dir}/terraform-provider-${vendor}" ]] || continue
      echo "    \"hostform/${vendor}\" = \"${dir}\""
    done
    echo "  }"
    echo "  direct {}"
    echo "}"
  } >"$file"
}

# sim_is_empty URL: succeeds if GET URL/_sim/empty says empty; prints what is left otherwise.
sim_is_empty() {
  python3 - "$1/_sim/empty" <<'PY'
import json, sys, urllib.request
reply = json.load(urllib.request.urlopen(sys.argv[1], timeout=30))
if not reply.get("empty"):
    print("left behind in the simulator:", json.dumps(reply.get("left"), indent=2))
    sys.exit(1)
PY
}
