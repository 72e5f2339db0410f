# Course code is C++23 (<format>, <print>). Debian 12's libstdc++ 12 has neither header, and
# clang-19's libc++ has both: which one a program gets is a property of the compiler that builds
# it, so the test runs where that compiler is known, in corridor's own build (compat/cotamer) and
# again in each project that finds the installed package (corridorConfig.cmake). For each header
# the standard library lacks, the matching bridge folder (<format> or <print> on fmt) goes on
# TARGET's include path; the program keeps one standard library.
#   corridor_cotamer_bridges(TARGET BRIDGE_DIR [BUILD_INTERFACE])
# BUILD_INTERFACE: wrap the folders in $<BUILD_INTERFACE:...> (a target that is also installed).
function(corridor_cotamer_bridges target bridge_dir)
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS "${CMAKE_CXX23_STANDARD_COMPILE_OPTION}")
  check_cxx_source_compiles("#include <format>\nint main() { return std::format(\"{}\", 1).size() == 1 ? 0 : 1; }"
    CORRIDOR_HAVE_STD_FORMAT)
  check_cxx_source_compiles("#include <print>\nint main() { std::print(\"{}\", 1); }" CORRIDOR_HAVE_STD_PRINT)
  foreach(header format print)
    string(TOUPPER ${header} upper)
    if(NOT CORRIDOR_HAVE_STD_${upper})
      set(dir "${bridge_dir}/${header}")
      if("BUILD_INTERFACE" IN_LIST ARGN)
        set(dir "$<BUILD_INTERFACE:${dir}>")
      endif()
      set_property(TARGET ${target} APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${dir}")
    endif()
  endforeach()
endfunction()
