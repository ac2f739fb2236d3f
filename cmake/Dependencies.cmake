# All dependencies come from Debian -dev packages (scripts/bootstrap.sh installs them).
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(OpenSSL 3 REQUIRED)
find_package(CURL REQUIRED)
find_package(Threads REQUIRED)
# RE2 (libre2-dev): identity patterns in cosign's Go syntax, matched in linear time.
find_package(PkgConfig REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)

find_path(RAPIDJSON_INCLUDE_DIR rapidjson/document.h REQUIRED)
add_library(relgate_rapidjson INTERFACE)
target_include_directories(relgate_rapidjson SYSTEM INTERFACE ${RAPIDJSON_INCLUDE_DIR})
# std::string overloads, and 64-bit safe sizes.
target_compile_definitions(relgate_rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)

find_path(TOMLPLUSPLUS_INCLUDE_DIR toml++/toml.h REQUIRED)
add_library(relgate_tomlplusplus INTERFACE)
target_include_directories(relgate_tomlplusplus SYSTEM INTERFACE ${TOMLPLUSPLUS_INCLUDE_DIR})

find_path(DOCTEST_INCLUDE_DIR doctest/doctest.h)
