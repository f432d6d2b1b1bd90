# stacks.mk: the call-stack targets (stacks.t). Included by targets/targets.mk.
#
# build/targets/stacks       PIE, -O0, frame pointers; links libstacks.so,
#                            dlopen()s libstacksdl.so from its own directory
# build/targets/stacks-O2    PIE, -O2 -fomit-frame-pointer, with its own
#                            libstacks-O2.so and libstacksdl-O2.so, likewise
#                            built: only CFI unwinds any of the three
# build/targets/stacks-nocfi PIE, -O0, frame pointers and no unwind tables
#                            (-fno-asynchronous-unwind-tables), with its own
#                            libs likewise: only the frame-pointer chain
# build/targets/stacks-dbgframe PIE, -O2, no frame pointers, no .eh_frame
#                            for its code (-fno-asynchronous-unwind-tables):
#                            only .debug_frame unwinds it, with its own libs
# build/targets/stackscxx    C++, PIE, -O0, frame pointers
# build/targets/stackscxx-O2 C++, PIE, -O2 -fomit-frame-pointer
# All -g, -fcf-protection=none as the base builds of targets.mk.

STK_O0         := -O0 -fno-omit-frame-pointer
STK_O2         := -O2 -fomit-frame-pointer
STK_NOCFI      := -O0 -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-unwind-tables
STK_DBGFRAME   := -O2 -fomit-frame-pointer -fno-asynchronous-unwind-tables -fno-unwind-tables
TGT_STACKS     := $(addprefix $(TGT_DIR)/,stacks stacks-O2 stacks-nocfi stacks-dbgframe \
			stackscxx stackscxx-O2)
targets: $(TGT_STACKS)

# stk_lib NAME SUFFIX OPT: libNAME$(SUFFIX).so from targets/libNAME.c.
define stk_lib
$(TGT_DIR)/lib$(1)$(2).so: targets/lib$(1).c targets/stacks.h targets/probed.h | $(DEPS_OK)
	$$(call E,CC,$$@)
	$$(Q)mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(TGT_CFLAGS) $(3) -fPIC -shared -fcf-protection=none -o $$@ $$<
endef

# stk_exe SUFFIX OPT: stacks$(SUFFIX), linked with libstacks$(SUFFIX).so,
# dlopen()ing libstacksdl$(SUFFIX).so (a prerequisite: it is needed to run).
define stk_exe
$(TGT_DIR)/stacks$(1): targets/stacks.c targets/stacks.h targets/probed.h \
		$(TGT_DIR)/libstacks$(1).so $(TGT_DIR)/libstacksdl$(1).so | $(DEPS_OK)
	$$(call E,CC,$$@)
	$$(Q)$$(CC) $$(TGT_CFLAGS) $(2) $$(TGT_PIE) -DST_DLLIB='"libstacksdl$(1).so"' \
		-o $$@ $$< -L$$(TGT_DIR) -lstacks$(1) -Wl,-rpath,'$$$$ORIGIN' $$(TGT_LIBS)

$(TGT_DIR)/stackscxx$(1): targets/stackscxx.cc targets/stacks.h targets/probed.h | $(DEPS_OK)
	$$(call E,CXX,$$@)
	$$(Q)mkdir -p $$(dir $$@)
	$$(Q)$$(CXX) $$(TGT_CXXFLAGS) $(2) $$(TGT_PIE) -o $$@ $$< $$(TGT_LIBS)
endef

$(eval $(call stk_lib,stacks,,$(STK_O0)))
$(eval $(call stk_lib,stacksdl,,$(STK_O0)))
$(eval $(call stk_lib,stacks,-O2,$(STK_O2)))
$(eval $(call stk_lib,stacksdl,-O2,$(STK_O2)))
$(eval $(call stk_exe,,$(STK_O0)))
$(eval $(call stk_exe,-O2,$(STK_O2)))
$(eval $(call stk_lib,stacks,-nocfi,$(STK_NOCFI)))
$(eval $(call stk_lib,stacksdl,-nocfi,$(STK_NOCFI)))
$(eval $(call stk_exe,-nocfi,$(STK_NOCFI)))
$(eval $(call stk_lib,stacks,-dbgframe,$(STK_DBGFRAME)))
$(eval $(call stk_lib,stacksdl,-dbgframe,$(STK_DBGFRAME)))
$(eval $(call stk_exe,-dbgframe,$(STK_DBGFRAME)))
