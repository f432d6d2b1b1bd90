# uprobe_backend.sh: `make bench` rows for utap --backend=uprobe (the kernel's
# uprobes through tracefs, hits read from trace_pipe), beside the ptrace
# backend's rows and the raw tracefs uprobe's. Sourced by run.sh, which calls
# bench_uprobe_backend after its own rows and print_uprobe_backend_ratios in
# its report; uses run.sh's helpers (utap_row, ratio, goal, placement_name).

# Warm rows: the slope from N/10 to N calls, so setting up and removing the
# tracefs instance (some 0.2 s of RCU waits in the kernel) drops out, as the
# raw uprobe row registers its event outside the timing.
UPROBE_BACKEND_ROW="utap --backend=uprobe"
UPROBE_BACKEND_FETCH_ROW="utap uprobe backend, 3 members"

# Why the backend cannot run here, or "".
uprobe_backend_why()
{
	if [ "$(id -u)" != 0 ]; then
		echo "needs root (tracefs)"
	elif [ ! -e "$TRACEFS/uprobe_events" ]; then
		echo "no tracefs uprobe_events"
	fi
}

bench_uprobe_backend()
{
	local why
	why=$(uprobe_backend_why)
	if [ -n "$why" ]; then
		not_available "$UPROBE_BACKEND_ROW" "$why"
		return
	fi
	utap_row "$UPROBE_BACKEND_ROW" "--backend=uprobe" "p $BIN:bench_fn x=%0" warm
	utap_row "$UPROBE_BACKEND_FETCH_ROW" "--backend=uprobe" \
		"p $BIN:bench_fn x=\$x id=\$r->id qty=\$r->qty price=\$r->price" warm
}

print_uprobe_backend_ratios()
{
	local p up="kernel uprobe (tracefs)"
	printf '\nthe uprobe backend (per-hit cost; lower is better)\n'
	printf '%-22s %-9s %-18s %-18s\n' "row" "placement" "/kernel uprobe" "/utap ptrace emulate"
	for p in "${PLACEMENTS[@]}"; do
		printf '%-22s %-9s %-18s %-18s\n' "--backend=uprobe" "$(placement_name "$p")" \
			"$(ratio "$UPROBE_BACKEND_ROW" "$up" "$p")" \
			"$(ratio "$UPROBE_BACKEND_ROW" "utap entry, emulate" "$p")"
	done
	# utap adds reading and printing each event to the kernel's own cost
	goal_rows uprobe "backend / raw uprobe" "$UPROBE_BACKEND_ROW" "$up" 3
}
