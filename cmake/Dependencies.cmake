# Every dependency comes from Debian's packages (scripts/install-deps.sh).
find_package(TBB REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(yaml-cpp REQUIRED)
find_package(HDF5 REQUIRED COMPONENTS C HL)
# `--format json` output of the command line (header-only; nlohmann-json3-dev).
find_package(nlohmann_json 3.10 REQUIRED)
# The calibration's bounded derivative-free optimisers (libnlopt-cxx-dev; the C API).
find_package(NLopt 2.7 REQUIRED)
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
add_library(cpsim_random123 INTERFACE)
target_include_directories(cpsim_random123 SYSTEM INTERFACE ${RANDOM123_INCLUDE_DIR})

add_library(cpsim_hdf5 INTERFACE)
target_include_directories(cpsim_hdf5 SYSTEM INTERFACE ${HDF5_INCLUDE_DIRS})
target_link_libraries(cpsim_hdf5 INTERFACE ${HDF5_HL_LIBRARIES} ${HDF5_C_LIBRARIES})
target_compile_definitions(cpsim_hdf5 INTERFACE ${HDF5_DEFINITIONS})

if(CPSIM_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(CPSIM_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# MPI is optional: without it cpsim runs on one process (docs/mpi.md).
find_package(MPI COMPONENTS C QUIET)
option(CPSIM_WITH_MPI "Build the MPI communicator (ensembles and decomposed runs)" ${MPI_C_FOUND})
if(CPSIM_WITH_MPI AND NOT MPI_C_FOUND)
  message(FATAL_ERROR "CPSIM_WITH_MPI is ON but no MPI was found (apt-get install libopenmpi-dev)")
endif()
