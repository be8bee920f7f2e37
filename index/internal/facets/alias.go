package facets

import (
	"encoding/binary"
	"unsafe"
)

// littleEndian reports whether the machine stores a uint32 as the file
// format does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// aliasUint32s returns b's bytes as little-endian uint32s without copying
// them, or nil when the machine is big-endian or b does not start at a
// multiple of 4. The caller keeps b's memory (a mapped file) alive and
// unchanged while the values are used.
func aliasUint32s(b []byte) []uint32 {
	if !littleEndian || len(b) == 0 || uintptr(unsafe.Pointer(unsafe.SliceData(b)))%4 != 0 {
		return nil
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/4)
}

// aliasUint64s is aliasUint32s for uint64s, which must start at a multiple
// of 8.
func aliasUint64s(b []byte) []uint64 {
	if !littleEndian || len(b) == 0 || uintptr(unsafe.Pointer(unsafe.SliceData(b)))%8 != 0 {
		return nil
	}
	return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/8)
}
