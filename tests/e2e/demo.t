#!/bin/bash
# demo.t: the `make demo` probes on demo: struct fields, strings through a
# pointer in a struct and in a register, and return values, all as the
# program printed them.
. "$(dirname "$0")/lib.sh"
require_utap

D=$T/demo
traced_same demo \
	"p $D:process_order id=+0(%0):s32 qty=+4(%0):s32 customer=+0(+16(%0)):string note=%1:string" \
	"r $D:total_cents cents=\$retval:s64" \
	-- "$D"
# "order #1001 for ada: 2 x 12.50 = 25.00 (gift-wrap)"
orders=$(sed -nE 's/^order #([0-9]+) for ([^:]*): ([0-9]+) x [0-9.]+ = ([0-9]+)\.([0-9]+) \((.*)\)$/\1 \2 \3 \4\5 \6/p' "$PLAIN_OUT")
same_values "demo: ids" "$(hit_values "$HITS" p0 id)" "$(echo "$orders" | cut -d' ' -f1)"
same_values "demo: customer strings" "$(hit_values "$HITS" p0 customer)" \
	"$(echo "$orders" | cut -d' ' -f2 | sed 's/.*/"&"/')"
same_values "demo: quantities" "$(hit_values "$HITS" p0 qty)" \
	"$(echo "$orders" | cut -d' ' -f3)"
same_values "demo: totals in cents" "$(hit_values "$HITS" r1 cents)" \
	"$(echo "$orders" | cut -d' ' -f4 | sed 's/^0*//')"
same_values "demo: note strings" "$(hit_values "$HITS" p0 note)" \
	"$(echo "$orders" | cut -d' ' -f5 | sed 's/.*/"&"/')"
done_testing
