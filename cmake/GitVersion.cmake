# Writes build_info.cpp at build time (not configure time), so the commit in
# every output file's provenance is the one the binary was built from.
set(CPSIM_BUILD_INFO_CPP ${CMAKE_BINARY_DIR}/generated/build_info.cpp)
add_custom_target(cpsim_build_info_gen
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DOUTPUT=${CPSIM_BUILD_INFO_CPP}
          -DVERSION=${PROJECT_VERSION} -P ${CMAKE_SOURCE_DIR}/cmake/WriteBuildInfo.cmake
  BYPRODUCTS ${CPSIM_BUILD_INFO_CPP}
  COMMENT "Recording git commit")
