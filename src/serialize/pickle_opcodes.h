// Pickle opcodes (the byte values of CPython's pickle module) that TorchScript archives use or
// that a protocol-2..4 writer could reasonably produce for the same values. Anything else is
// rejected by the unpickler by name ("unsupported pickle opcode 0x.. at offset N").
#pragma once

#include <cstdint>

namespace tscript::serialize {

enum class PickleOpcode : uint8_t {
  MARK = '(',             // push a mark
  STOP = '.',             // end of pickle
  POP = '0',              // discard top of stack
  POP_MARK = '1',         // discard up to and including the top mark
  DUP = '2',              // duplicate top of stack
  BININT = 'J',           // int32, little-endian
  BININT1 = 'K',          // uint8
  BININT2 = 'M',          // uint16, little-endian
  NONE = 'N',
  BINPERSID = 'Q',        // persistent_load(pop())
  REDUCE = 'R',           // callable, args -> callable(*args)
  SHORT_BINSTRING = 'U',  // Python 2 str, u8 length (read as text)
  BINUNICODE = 'X',       // u32 length + UTF-8
  APPEND = 'a',
  BUILD = 'b',            // obj, state -> obj.__setstate__(state)
  GLOBAL = 'c',           // "module\nname\n"
  DICT = 'd',             // mark k v ... -> dict
  EMPTY_DICT = '}',
  APPENDS = 'e',          // list mark items -> list.extend(items)
  BINGET = 'h',           // u8 memo index
  LONG_BINGET = 'j',      // u32 memo index
  LIST = 'l',             // mark items -> list
  EMPTY_LIST = ']',
  BINPUT = 'q',           // u8 memo index
  LONG_BINPUT = 'r',      // u32 memo index
  SETITEM = 's',
  TUPLE = 't',            // mark items -> tuple
  EMPTY_TUPLE = ')',
  SETITEMS = 'u',         // dict mark k v ... -> dict.update
  BINFLOAT = 'G',         // 8-byte big-endian IEEE double
  // protocol 2
  PROTO = 0x80,
  NEWOBJ = 0x81,          // cls, args -> cls.__new__(cls, *args)
  TUPLE1 = 0x85,
  TUPLE2 = 0x86,
  TUPLE3 = 0x87,
  NEWTRUE = 0x88,
  NEWFALSE = 0x89,
  LONG1 = 0x8a,           // u8 length + little-endian two's complement
  // protocol 3
  BINBYTES = 'B',         // u32 length
  SHORT_BINBYTES = 'C',   // u8 length
  // protocol 4
  SHORT_BINUNICODE = 0x8c,  // u8 length
  BINUNICODE8 = 0x8d,       // u64 length
  BINBYTES8 = 0x8e,         // u64 length
  MEMOIZE = 0x94,           // memo[len(memo)] = top
  FRAME = 0x95,             // u64 frame length (ignored: frames are only a read-ahead hint)
};

}  // namespace tscript::serialize
