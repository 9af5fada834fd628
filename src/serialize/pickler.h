// PickleValue tree -> pickle bytes, writing what 1.13's C++ Pickler writes for the same values:
// protocol 2; BININT1/BININT2/BININT/LONG1(8 bytes) by range; BINFLOAT; BINUNICODE for every
// string; lists as EMPTY_LIST MARK ... APPENDS; dicts as EMPTY_DICT MARK ... SETITEMS; tuples
// compact (EMPTY_TUPLE, TUPLE1-3) or MARK ... TUPLE as the node says.
//
// Memo: a node marked `memoized()` is followed by BINPUT (LONG_BINPUT past 255) with ids
// 0, 1, 2... in write order; meeting the same node again writes BINGET. Like 1.13, strings
// and globals are also shared by value: a memoized string equal to one already written is
// fetched with BINGET even when it is a different node. So unpickling a 1.13 pickle and
// pickling the tree again gives the same bytes.
#pragma once

#include <string>

#include "serialize/pickle.h"

namespace tscript::serialize {

std::string pickle(const PickleValue& root);

}  // namespace tscript::serialize
