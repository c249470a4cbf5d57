/// Just enough Thumb-2 decoding for the machine's bookkeeping: instruction widths (for
/// counting a block's instructions) and coprocessor instructions (for CPACR enforcement).
enum ThumbDecoder {
    /// A halfword whose top five bits are 0b11101, 0b11110 or 0b11111 starts a 32-bit
    /// instruction (ARMv8-M ARM, "Thumb instruction set encoding").
    @inline(__always)
    static func isWide(_ firstHalfword: UInt16) -> Bool {
        (firstHalfword >> 11) >= 0b11101
    }

    /// The coprocessor a 32-bit instruction addresses, if it is in the coprocessor space:
    /// first halfword 0xEC00–0xEFFF or 0xFC00–0xFFFF, coprocessor number in bits 11:8 of the
    /// second halfword. CP10/CP11 are the FPU (VLDR/VSTR/VPUSH/VPOP/VMOV/VMRS/VADD…).
    @inline(__always)
    static func coprocessor(_ first: UInt16, _ second: UInt16) -> Int? {
        guard first & 0xEC00 == 0xEC00 else { return nil }
        return Int((second >> 8) & 0xF)
    }

    struct BlockShape {
        var instructions: UInt32
        /// Offsets from the block start of FP (CP10/CP11) instructions.
        var fpOffsets: [UInt16]
        /// Offset from the block start of its last instruction (the one that ends it).
        var lastOffset: UInt16 = 0
    }

    /// Decodes the little-endian bytes of one translated block.
    static func shape(of bytes: [UInt8]) -> BlockShape {
        var offset = 0
        var count: UInt32 = 0
        var fp: [UInt16] = []
        var last = 0
        while offset + 1 < bytes.count {
            let first = UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
            count += 1
            last = offset
            if isWide(first) {
                if offset + 3 < bytes.count {
                    let second = UInt16(bytes[offset + 2]) | UInt16(bytes[offset + 3]) << 8
                    if let cp = coprocessor(first, second), cp == 10 || cp == 11 {
                        fp.append(UInt16(truncatingIfNeeded: offset))
                    }
                }
                offset += 4
            } else {
                offset += 2
            }
        }
        return BlockShape(instructions: max(count, 1), fpOffsets: fp, lastOffset: UInt16(truncatingIfNeeded: last))
    }
}
