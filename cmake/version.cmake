# Writes generated/hsicho/version.hpp at every build (cmake -P, from the hsicho_version target),
# not only when CMake configures: a study file names the commit of the program that wrote it, and
# a build after `git commit` or with changed sources must not carry an older one. The file is
# rewritten only when its text changes (configure_file), so an unchanged commit rebuilds nothing.
#   cmake -DSRC=source-dir -DOUT=file -DVERSION=x.y.z [-DGIT=git] -P version.cmake
set(HSICHO_GIT_COMMIT "unknown")
if(GIT)
  execute_process(COMMAND ${GIT} rev-parse --short HEAD WORKING_DIRECTORY ${SRC}
                  OUTPUT_VARIABLE commit RESULT_VARIABLE failed
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT failed AND commit)
    # Tracked files that differ from the commit: the program is not that commit's.
    execute_process(COMMAND ${GIT} status --porcelain --untracked-files=no
                    WORKING_DIRECTORY ${SRC} OUTPUT_VARIABLE changed ERROR_QUIET)
    set(HSICHO_GIT_COMMIT "${commit}")
    if(changed)
      set(HSICHO_GIT_COMMIT "${commit}-dirty")
    endif()
  endif()
endif()
set(PROJECT_VERSION "${VERSION}")
set(CMAKE_SOURCE_DIR "${SRC}")
configure_file(${SRC}/include/hsicho/version.hpp.in ${OUT} @ONLY)
