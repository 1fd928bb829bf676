package main

import "math/rand"

// decodeFrame reads zig-zag varint deltas into absolute readings.
func decodeFrame(frame []byte) []int32 {
	n := 0 // every reading ends with a byte below 0x80
	for _, b := range frame {
		if b < 0x80 {
			n++
		}
	}
	out := make([]int32, 0, n)
	var last int32
	for i := 0; i < len(frame); {
		var v uint32
		var shift uint
		for ; i < len(frame); i++ {
			b := frame[i]
			v |= uint32(b&0x7f) << shift
			shift += 7
			if b < 0x80 {
				i++
				break
			}
		}
		last += int32(v>>1) ^ -int32(v&1)
		out = append(out, last)
	}
	return out
}

// encodeFrame builds a frame of n readings doing a random walk.
func encodeFrame(rng *rand.Rand, n int) []byte {
	var frame []byte
	for i := 0; i < n; i++ {
		d := int32(rng.NormFloat64() * 300)
		v := uint32(d<<1) ^ uint32(d>>31)
		for v >= 0x80 {
			frame = append(frame, byte(v)|0x80)
			v >>= 7
		}
		frame = append(frame, byte(v))
	}
	return frame
}
