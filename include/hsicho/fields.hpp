// Structs described once: a struct that every format stores (a training's record, an input's
// indices, a row of the study file) lists its fields in one place, `Describe<T>::fields`, and
// the study file's writer and checked reader, the JSON of `report --json` and the round-trip
// tests all walk that list. A new field is a member and one line there.
//
//   template <> struct Describe<Point> {
//     template <class V> static void fields(V&& v) {
//       v(field("x", &Point::x));
//       v(field("label", &Point::label, kOptional, "labels"));  // stored as "labels"
//     }
//   };
//
// Plain types only: every layer may include it.
#pragma once

#include <type_traits>

namespace hsicho {

// How a field is kept, beyond its type.
enum FieldFlag : unsigned {
  kOptional = 1u,   // files of an earlier version may lack it: read as the member's default
  kOmitEmpty = 2u,  // a list: not stored when it is empty (in every row of a table)
  kPadded = 4u,     // a list per row stored as a NaN-padded matrix: padding trimmed on reading
  kSquare = 8u,     // a list of a group: a k x k matrix, k the rows of the group's table
};

template <class T, class M>
struct Field {
  const char* key;  // JSON key, and the stored name unless `stored` is given
  M T::*member;
  unsigned flags;
  const char* stored;  // the data set or attribute name where it differs from the key

  const char* stored_name() const { return stored ? stored : key; }
  bool has(unsigned flag) const { return (flags & flag) != 0; }
};

template <class T, class M>
constexpr Field<T, M> field(const char* key, M T::*member, unsigned flags = 0,
                            const char* stored = nullptr) {
  return {key, member, flags, stored};
}

// Specialized for every described struct.
template <class T>
struct Describe;

// Whether T has a description (Describe<T> is defined).
template <class T, class = void>
struct is_described : std::false_type {};
template <class T>
struct is_described<T, std::void_t<decltype(sizeof(Describe<T>))>> : std::true_type {};
template <class T>
inline constexpr bool is_described_v = is_described<T>::value;

// fn(field, value) for every field of `object` (const or not), in declaration order.
template <class T, class Fn>
void visit_fields(T& object, Fn&& fn) {
  Describe<std::remove_const_t<T>>::fields([&](const auto& f) { fn(f, object.*(f.member)); });
}

// The member type a Field describes.
template <class F>
struct FieldTraits;
template <class T, class M>
struct FieldTraits<Field<T, M>> {
  using type = M;
};
template <class F>
using field_type = typename FieldTraits<std::decay_t<F>>::type;

}  // namespace hsicho
