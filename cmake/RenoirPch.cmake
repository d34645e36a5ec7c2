# Precompiled headers for the programs that include the whole API (<renoir/renoir.hpp>): the
# examples, the benchmarks, the api tests and the distributed jobs. Parsing renoir.hpp is
# 140 k preprocessed lines, half of a small job's compile (wordcount.cpp: 19 s -> 9.5 s).
#
# One holder target per set of flags builds the .gch; every user reuses it (REUSE_FROM), so its
# flags (optimization level, sanitizers through renoir_flags) must be the holder's: a mismatch
# makes GCC ignore the PCH (-Winvalid-pch says so) and parse the headers as usual.
option(RENOIR_PCH "Precompile renoir.hpp for the examples, benchmarks and api tests" ON)

# renoir_pch_holder(NAME HEADERS header... LIBS lib... [OPTIONS option...])
function(renoir_pch_holder name)
  cmake_parse_arguments(P "" "" "HEADERS;LIBS;OPTIONS" ${ARGN})
  if(NOT RENOIR_PCH OR TARGET ${name})
    return()
  endif()
  set(source ${CMAKE_BINARY_DIR}/pch/${name}.cpp)
  file(CONFIGURE OUTPUT ${source} CONTENT "// holder of the precompiled header ${name}\n")
  add_library(${name} OBJECT ${source})
  target_link_libraries(${name} PRIVATE ${P_LIBS})
  target_compile_options(${name} PRIVATE ${P_OPTIONS})
  target_precompile_headers(${name} PRIVATE ${P_HEADERS})
endfunction()

# renoir_use_pch(TARGET HOLDER): TARGET's sources start with HOLDER's precompiled headers.
function(renoir_use_pch target holder)
  if(RENOIR_PCH)
    target_precompile_headers(${target} REUSE_FROM ${holder})
  endif()
endfunction()

# The holder for jobs (examples, benchmarks, distributed test jobs): the project's flags.
set(RENOIR_JOB_PCH_HEADERS <renoir/renoir.hpp> <algorithm> <chrono> <cstdint> <iostream>
  <map> <string> <string_view> <vector>)
