# Finds the Debian-packaged dependencies (see README.md for the package names).
find_package(PkgConfig REQUIRED)
pkg_check_modules(FABRIC REQUIRED IMPORTED_TARGET GLOBAL libfabric>=1.17)
pkg_check_modules(HWLOC REQUIRED IMPORTED_TARGET GLOBAL hwloc>=2.0)
pkg_check_modules(SSH2 REQUIRED IMPORTED_TARGET GLOBAL libssh2>=1.10)
find_package(tomlplusplus 3 REQUIRED CONFIG)
find_package(Boost 1.81 REQUIRED CONFIG)
find_package(Threads REQUIRED)
