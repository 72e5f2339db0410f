#pragma once
// utils.hh: small helpers in the course's style (written for this example).
#include <charconv>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

// from_str_chars<T>(s)
//    Parse all of `s` as a T (an integer or a floating-point number) with std::from_chars;
//    throw std::invalid_argument if `s` is not exactly one T.
template <typename T>
T from_str_chars(std::string_view s) {
    T value{};
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size()) {
        throw std::invalid_argument("cannot parse \"" + std::string(s) + "\"");
    }
    return value;
}
