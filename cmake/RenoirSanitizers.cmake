# Sanitized builds of the project's own targets: -DRENOIR_SANITIZE="address;undefined" or "thread".
#
# The flags go on renoir_flags, the project-internal INTERFACE target that every library,
# executable and test of the tree links (libraries as $<BUILD_INTERFACE:...>): nothing reaches the
# exported renoir:: targets, so an outside project that links an installed tree gets no
# sanitizer flag from us (it would have to link the sanitizer runtime itself if it linked a
# sanitized install, which is why a sanitized tree is for testing, not installing).
#
# Every executable of a sanitized tree also gets cmake/sanitizer_defaults.cpp.in compiled in:
# the sanitizer options the test suite relies on (UBSan stack traces, TSan halt_on_error and the
# suppressions of tests/tsan.supp, LSan suppressions of tests/lsan.supp) are baked into the
# binaries through __asan_default_options() and friends, so they hold in processes that never
# see the test's environment: the workers that sshd starts for the distributed tests.
# *SAN_OPTIONS in the environment still override them (and the launcher forwards them).
#
# GCC 12 (Debian's default compiler, the one of the release build) rather than clang 14: its
# sanitizer runtimes come with g++ itself (libasan8, libubsan1, libtsan2), so CI installs
# nothing more, and the sanitized code is the code the release build compiles.
#
# Third-party libraries run uninstrumented (Debian builds them without sanitizers), which is
# what the suppression files are about. libfabric is not linked but opened with dlopen()
# (transport/fabric_loader.cpp), and that stays sanitizer-friendly:
# - The runtimes replace malloc/free, memcpy, pthread_*, recv/send, ... by interposition: the
#   executable is linked with the runtime, so it comes first in the global lookup scope, and a
#   library opened later with RTLD_LOCAL still resolves its own references there (RTLD_LOCAL
#   only hides the library's symbols from what is loaded after it). Its allocations are tracked
#   by LSan, and the buffers it copies through those functions are checked by ASan and TSan;
#   its own inlined loads and stores are not.
# - RTLD_DEEPBIND would bind libfabric to libc's malloc instead (a mismatched allocator: ASan
#   and TSan both stop the process at that dlopen() with "RTLD_DEEPBIND flag which is
#   incompatible with sanitizer runtime"). Neither fabric_loader.cpp nor libfabric's own
#   provider loading uses it: both runs load libfabric in the transport tests.
# - The library is never dlclose()d, so its frames can still be named (module+offset: it ships
#   no debug symbols) in reports written at exit, such as LSan's.
# - TSan cannot see synchronization that libfabric does with its own atomics. Between its
#   constructor and destructor, our transport makes every libfabric call with
#   ProtocolTransport's std::mutex held (see protocol_transport.hpp), a pthread mutex TSan does
#   see, so every buffer handed to libfabric and back through its completion queue is ordered by
#   that mutex.
# - libfabric.so.1 needs libpsm_infinipath, whose libinfinipath.so.4 installs a SIGSEGV handler
#   of its own when it is loaded (it writes the *.btr files) unless IPATH_NO_BACKTRACE is set:
#   checked with sigaction() around the dlopen(), in an ASan program the handler goes from
#   libasan.so.8 to libinfinipath.so.4. A SEGV would then write a .btr instead of ASan's report.
#   transport/fabric_loader.cpp sets IPATH_NO_BACKTRACE and HFI_NO_BACKTRACE before the dlopen()
#   and restores any handler the load changed (tests/transport/fabric_loader_test checks it).
set(RENOIR_SANITIZE "" CACHE STRING
  "Sanitizers for the project's targets: empty, \"address;undefined\" (ASan+LSan+UBSan) or \"thread\" (TSan)")

if(NOT RENOIR_SANITIZE)
  return()
endif()

set(_renoir_known address undefined thread leak)
foreach(s IN LISTS RENOIR_SANITIZE)
  if(NOT s IN_LIST _renoir_known)
    message(FATAL_ERROR "RENOIR_SANITIZE: unknown sanitizer '${s}' (known: ${_renoir_known})")
  endif()
endforeach()
if("thread" IN_LIST RENOIR_SANITIZE AND ("address" IN_LIST RENOIR_SANITIZE OR "leak" IN_LIST RENOIR_SANITIZE))
  message(FATAL_ERROR "RENOIR_SANITIZE: thread cannot be combined with address or leak")
endif()
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  message(FATAL_ERROR "RENOIR_SANITIZE needs GCC or Clang (not ${CMAKE_CXX_COMPILER_ID})")
endif()

list(JOIN RENOIR_SANITIZE "," _renoir_san)
message(STATUS "renoir: sanitizers ${_renoir_san}")
# -fno-sanitize-recover=all: every UBSan report aborts the process, so it fails its test.
# -fno-omit-frame-pointer: complete, cheap stack traces (the fast unwinder follows frame pointers).
# UBSan leaves out null, alignment and object-size: next to ASan they find nothing new (a null
# or out-of-bounds access is an ASan report or a SEGV, x86 tolerates misalignment) and at -O0
# they cost a third of the whole CI build (join_test.cpp: 62 s with them, 40 s without).
set(_renoir_no_ub "")
if("undefined" IN_LIST RENOIR_SANITIZE AND "address" IN_LIST RENOIR_SANITIZE)
  set(_renoir_no_ub -fno-sanitize=null,alignment,object-size)
endif()
target_compile_options(renoir_flags INTERFACE -fsanitize=${_renoir_san} ${_renoir_no_ub}
  -fno-sanitize-recover=all -fno-omit-frame-pointer)
target_link_options(renoir_flags INTERFACE -fsanitize=${_renoir_san})
if("thread" IN_LIST RENOIR_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC warns (-Wtsan) that TSan does not model std::atomic_thread_fence. Our one user is
  # core/parker.hpp: its fences order only atomics (the waiting flag against the rings'
  # indices), and the data a wake-up is about is published through the rings' release/acquire
  # pairs, which TSan does see; so the missing model can hide no race and report none.
  target_compile_options(renoir_flags INTERFACE -Wno-tsan)
endif()
set(RENOIR_SANITIZE_THREAD OFF)
if("thread" IN_LIST RENOIR_SANITIZE)
  set(RENOIR_SANITIZE_THREAD ON)
endif()

# The default options compiled into every executable (not into the libraries: one definition per
# program). The suppression files are embedded as text, so they need no path at run time.
file(READ ${CMAKE_SOURCE_DIR}/tests/tsan.supp RENOIR_TSAN_SUPPRESSIONS)
file(READ ${CMAKE_SOURCE_DIR}/tests/lsan.supp RENOIR_LSAN_SUPPRESSIONS)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/tests/tsan.supp ${CMAKE_SOURCE_DIR}/tests/lsan.supp)
configure_file(${CMAKE_SOURCE_DIR}/cmake/sanitizer_defaults.cpp.in
  ${CMAKE_BINARY_DIR}/sanitizer_defaults.cpp @ONLY)
target_sources(renoir_flags INTERFACE
  $<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:${CMAKE_BINARY_DIR}/sanitizer_defaults.cpp>)

# Installing a sanitized tree gives libraries that only link into sanitized programs.
install(CODE "message(WARNING \"renoir: installing a RENOIR_SANITIZE=${_renoir_san} build: its libraries need -fsanitize=${_renoir_san} in every program that links them\")")
