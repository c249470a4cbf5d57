/// Sub-word access to 32-bit registers: the bytes a LDRB/LDRH at `offset` sees, and the
/// mask of the bytes a STRB/STRH writes.
@inline(__always)
func lane(of word: UInt32, offset: UInt32, width: AccessWidth) -> UInt32 {
    let shifted = word >> ((offset & 3) * 8)
    switch width {
    case .byte: return shifted & 0xFF
    case .halfword: return shifted & 0xFFFF
    case .word: return shifted
    }
}

@inline(__always)
func laneMask(offset: UInt32, width: AccessWidth) -> UInt32 {
    switch width {
    case .byte: return 0xFF << ((offset & 3) * 8)
    case .halfword: return 0xFFFF << ((offset & 3) * 8)
    case .word: return 0xFFFF_FFFF
    }
}
