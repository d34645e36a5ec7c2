# Installs the libraries, headers and a CMake package: find_package(renoir CONFIG) -> renoir::renoir.
include(CMakePackageConfigHelpers)

install(TARGETS renoir renoir_api renoir_core renoir_transport renoir_topology renoir_launch
  EXPORT renoirTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(layer api core transport topology launch)
  install(DIRECTORY ${layer}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/renoir/${layer}
    FILES_MATCHING PATTERN "*.hpp")
endforeach()
install(FILES api/renoir.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/renoir)

install(EXPORT renoirTargets NAMESPACE renoir:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/renoir)
configure_package_config_file(cmake/renoirConfig.cmake.in ${CMAKE_BINARY_DIR}/renoirConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/renoir)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/renoirConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/renoirConfig.cmake ${CMAKE_BINARY_DIR}/renoirConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/renoir)
