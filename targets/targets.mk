# targets.mk: the programs tests, the demo and the benchmark trace. Included by the top Makefile.
#
# build/targets/NAME          PIE, -O0 -g
# build/targets/NAME-O2       PIE, -O2 -g
# build/targets/NAME-nopie    -O0 -g -no-pie
# build/targets/NAME-cet      -O0 -g -fcf-protection=full (functions start with endbr64)
# build/targets/NAME-stripped -O0, -rdynamic so probed functions stay in .dynsym, strip --strip-all
# Base builds pass -fcf-protection=none so only the -cet variant has endbr64,
# whatever the compiler's default.

TGT_DIR        := $(BUILD)/targets
TGT_CFLAGS     := -std=gnu11 -Wall -Wextra -Wno-unused-parameter \
		  -Wno-missing-field-initializers -g -Itargets
TGT_LIBS       := -pthread -ldl
TGT_PIE        := -fPIE -pie -fcf-protection=none
TGT_VARIANTS   := calls fetch threads forkexec recurse longjmp signals exits mallocs
TGT_PLAIN      := insns insns-nopie longrun demo faults dllinked dlopen libplug.so inline-O2 typed typed-O2 scripted usdt usdt-O2 leaks leaks-O2 leaks-jemalloc nomalloc \
		  fetchstub fetchstub-O2
TGT_SUFFIXES   := -O2 -nopie -cet -stripped
TARGETS        := $(foreach t,$(TGT_VARIANTS),$(TGT_DIR)/$(t) \
			$(addprefix $(TGT_DIR)/$(t),$(TGT_SUFFIXES))) \
		  $(addprefix $(TGT_DIR)/,$(TGT_PLAIN))

.PHONY: targets
targets: $(TARGETS)

$(TGT_DIR)/%: targets/%.c targets/probed.h | $(DEPS_OK)
	$(call E,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TGT_CFLAGS) -O0 $(TGT_PIE) -o $@ $< $(TGT_LIBS)

$(TGT_DIR)/%-O2: targets/%.c targets/probed.h | $(DEPS_OK)
	$(call E,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TGT_CFLAGS) -O2 $(TGT_PIE) -o $@ $< $(TGT_LIBS)

$(TGT_DIR)/%-nopie: targets/%.c targets/probed.h | $(DEPS_OK)
	$(call E,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TGT_CFLAGS) -O0 -fno-pie -no-pie -fcf-protection=none \
		-o $@ $< $(TGT_LIBS)

$(TGT_DIR)/%-cet: targets/%.c targets/probed.h | $(DEPS_OK)
	$(call E,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TGT_CFLAGS) -O0 -fPIE -pie -fcf-protection=full \
		-o $@ $< $(TGT_LIBS)

$(TGT_DIR)/%-stripped: targets/%.c targets/probed.h | $(DEPS_OK)
	$(call E,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TGT_CFLAGS) -O0 $(TGT_PIE) -rdynamic -o $@ $< $(TGT_LIBS)
	$(Q)strip --strip-all $@

$(TGT_DIR)/libplug.so: targets/libplug.c targets/probed.h | $(DEPS_OK)
	$(call E,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TGT_CFLAGS) -O0 -fPIC -shared -fcf-protection=none -o $@ $<

$(TGT_DIR)/dllinked: targets/dllinked.c $(TGT_DIR)/libplug.so | $(DEPS_OK)
	$(call E,CC,$@)
	$(Q)$(CC) $(TGT_CFLAGS) -O0 $(TGT_PIE) -o $@ $< -L$(TGT_DIR) -lplug \
		-Wl,-rpath,'$$ORIGIN' $(TGT_LIBS)

# C++ names (namespaces, methods, overloads, a template): cxx (PIE, -O0),
# cxx-O2 (PIE, -O2), cxx-nopie (-O0), cxx-stripped (-O0, -rdynamic, stripped).
TGT_CXXFLAGS   := -std=gnu++17 -Wall -Wextra -Wno-unused-parameter -g -Itargets
TGT_CXX        := $(TGT_DIR)/cxx $(addprefix $(TGT_DIR)/cxx,-O2 -nopie -stripped)
targets: $(TGT_CXX)

$(TGT_DIR)/cxx: targets/cxx.cc targets/probed.h | $(DEPS_OK)
	$(call E,CXX,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CXX) $(TGT_CXXFLAGS) -O0 $(TGT_PIE) -o $@ $<

$(TGT_DIR)/cxx-O2: targets/cxx.cc targets/probed.h | $(DEPS_OK)
	$(call E,CXX,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CXX) $(TGT_CXXFLAGS) -O2 $(TGT_PIE) -o $@ $<

$(TGT_DIR)/cxx-nopie: targets/cxx.cc targets/probed.h | $(DEPS_OK)
	$(call E,CXX,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CXX) $(TGT_CXXFLAGS) -O0 -fno-pie -no-pie -fcf-protection=none -o $@ $<

$(TGT_DIR)/cxx-stripped: targets/cxx.cc targets/probed.h | $(DEPS_OK)
	$(call E,CXX,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CXX) $(TGT_CXXFLAGS) -O0 $(TGT_PIE) -rdynamic -o $@ $<
	$(Q)strip --strip-all $@

# Call chains across modules for stack traces: stacks, stacks-O2, stackscxx, stackscxx-O2.
include targets/stacks.mk

# leaks.c linked with jemalloc (DT_NEEDED before libc: its malloc wins).
JEMALLOC_SO := /usr/lib/x86_64-linux-gnu/libjemalloc.so.2
$(TGT_DIR)/leaks-jemalloc: targets/leaks.c | $(DEPS_OK)
	$(call E,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TGT_CFLAGS) -O0 $(TGT_PIE) -o $@ $< $(JEMALLOC_SO) $(TGT_LIBS)

# No libc, so no malloc: utap leaks refuses it.
$(TGT_DIR)/nomalloc: targets/nomalloc.c | $(DEPS_OK)
	$(call E,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -O2 -static -nostdlib -fno-pie -no-pie -o $@ $<

# PLT probes: plt.c calls libpltlib.so through its PLT or GOT, built four ways
# (all -O2, so via_tail() tail-calls): plt (lazy binding), plt-now (-z now),
# plt-ibt (IBT: .plt.sec stubs, where the linker has -z ibtplt), plt-noplt
# (-fno-plt: calls read the GOT themselves, no stub).
TGT_PLT        := $(addprefix $(TGT_DIR)/,libpltlib.so plt plt-now plt-ibt plt-noplt)
TGT_IBTPLT     := $(shell printf 'int main(void){return 0;}' | $(CC) -x c - \
			-fcf-protection=full -Wl,-z,ibtplt -o /dev/null 2>/dev/null && \
			echo -Wl,-z,ibtplt)
targets: $(TGT_PLT)

$(TGT_DIR)/libpltlib.so: targets/libpltlib.c targets/pltlib.h targets/probed.h | $(DEPS_OK)
	$(call E,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TGT_CFLAGS) -O2 -fPIC -shared -fcf-protection=none -o $@ $<

$(TGT_DIR)/plt: PLT_FLAGS := -fcf-protection=none
$(TGT_DIR)/plt-now: PLT_FLAGS := -fcf-protection=none -Wl,-z,now
$(TGT_DIR)/plt-ibt: PLT_FLAGS := -fcf-protection=full $(TGT_IBTPLT)
$(TGT_DIR)/plt-noplt: PLT_FLAGS := -fcf-protection=none -fno-plt
$(filter-out %.so,$(TGT_PLT)): targets/plt.c targets/pltlib.h targets/probed.h \
		$(TGT_DIR)/libpltlib.so | $(DEPS_OK)
	$(call E,CC,$@)
	$(Q)$(CC) $(TGT_CFLAGS) -O2 -fPIE -pie $(PLT_FLAGS) -o $@ targets/plt.c \
		-L$(TGT_DIR) -lpltlib -Wl,-rpath,'$$ORIGIN'

# SDT markers guarded by semaphores: usdt_sema dlopen()s libusdtsema.so.
TGT_SEMA       := $(addprefix $(TGT_DIR)/,usdt_sema libusdtsema.so)
targets: $(TGT_SEMA)

$(TGT_DIR)/libusdtsema.so: targets/libusdtsema.c | $(DEPS_OK)
	$(call E,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TGT_CFLAGS) -O2 -fPIC -shared -fcf-protection=none -o $@ $<
