package facets

import (
	"encoding/binary"
	"unsafe"
)

// littleEndian reports whether the machine stores a uint32 as the file
// format does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// aliasWords returns b's bytes as little-endian uint32s or uint64s without
// copying them, or nil when the machine is big-endian or b does not start
// at a multiple of the value's size. The caller keeps b's memory (a mapped
// file) alive and unchanged while the values are used.
func aliasWords[T uint32 | uint64](b []byte) []T {
	size := unsafe.Sizeof(T(0))
	if !littleEndian || len(b) == 0 || uintptr(unsafe.Pointer(unsafe.SliceData(b)))%size != 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b))/size)
}
