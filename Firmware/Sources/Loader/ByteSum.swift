/// CubeProgrammer's checksum: a 32-bit wrapping sum of bytes, as ST's `CheckSum` computes it
/// (Loader_Src.c, identical in every ST loader).
///
/// ST's code aligns `StartAddress` down to a word, rounds `Size` up to whole words, walks
/// that many bytes from the *aligned* address, and skips the bytes before `StartAddress` in
/// the first word and the round-up padding in the last. So the bytes summed are
///     [StartAddress, (StartAddress & ~3) + Size)
/// i.e. `Size` counts from the aligned address. `Verify` relies on this: it passes
/// (MemoryAddr + head, 4·words − tail) and gets exactly the compared bytes
/// [MemoryAddr + head, MemoryAddr + 4·words − tail). This reproduces that range; it does not
/// reproduce ST's bugs (Size kept in a uint8_t for the tail test; a range shorter than its
/// head skips).
enum ByteSum {
    /// The end (exclusive) of ST's checksum range, or `start` when the range is empty.
    static func end(start: UInt32, size: UInt32) -> UInt32 {
        let end = (start & ~3) &+ size
        return end > start ? end : start
    }

    /// `initial` plus the bytes in [start, end), read through the memory-mapped window:
    /// bytes up to a word boundary, then aligned word loads (a quarter of the bus reads),
    /// then the last bytes.
    static func sum(from start: UInt32, to end: UInt32, initial: UInt32) -> UInt32 {
        var total = initial
        var address = start
        while address < end && address & 3 != 0 {
            total &+= UInt32(loadByte(address))
            address &+= 1
        }
        while end - address >= 4 {
            total &+= bytes(of: loadWord(address))
            address &+= 4
        }
        while address < end {
            total &+= UInt32(loadByte(address))
            address &+= 1
        }
        return total
    }

    /// The sum of the four bytes of `word`: pairs first (each lane ≤ 0x1FE), then halves.
    @inline(__always) static func bytes(of word: UInt32) -> UInt32 {
        let pairs = (word & 0x00FF_00FF) &+ ((word >> 8) & 0x00FF_00FF)
        return (pairs & 0xFFFF) &+ (pairs >> 16)
    }
}
