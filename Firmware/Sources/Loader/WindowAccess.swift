/// Copies and compares through the memory-mapped window with aligned word loads where the
/// flash address allows: 4 bytes per AHB read instead of 1. RAM-side accesses may be
/// unaligned (the Cortex-M33 handles unaligned LDR/STR to normal memory; CCR.UNALIGN_TRP is
/// 0 after reset and the programmer does not set it).
enum WindowAccess {
    /// Copies [address, address + count) of the window into `destination`.
    static func copy(from address: UInt32, count: UInt32, to destination: UnsafeMutableRawPointer) {
        var index: UInt32 = 0
        while index < count && (address &+ index) & 3 != 0 {
            destination.storeBytes(of: loadByte(address &+ index), toByteOffset: Int(index), as: UInt8.self)
            index += 1
        }
        while count - index >= 4 {
            destination.storeBytes(of: loadWord(address &+ index), toByteOffset: Int(index), as: UInt32.self)
            index += 4
        }
        while index < count {
            destination.storeBytes(of: loadByte(address &+ index), toByteOffset: Int(index), as: UInt8.self)
            index += 1
        }
    }

    /// The offset in [from, to) of the first byte where the window at `address` differs from
    /// `buffer` (both indexed from the same origin), or nil when they are equal.
    static func firstDifference(address: UInt32, buffer: UnsafeRawPointer, from: UInt32, to end: UInt32) -> UInt32? {
        var index = from
        while index < end && (address &+ index) & 3 != 0 {
            if loadByte(address &+ index) != buffer.load(fromByteOffset: Int(index), as: UInt8.self) { return index }
            index += 1
        }
        while end - index >= 4 {
            if loadWord(address &+ index) != buffer.loadUnaligned(fromByteOffset: Int(index), as: UInt32.self) { break }
            index += 4
        }
        // The word that differed (its first differing byte is inside it), or the tail.
        while index < end {
            if loadByte(address &+ index) != buffer.load(fromByteOffset: Int(index), as: UInt8.self) { return index }
            index += 1
        }
        return nil
    }
}
