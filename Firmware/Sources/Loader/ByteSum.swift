/// CubeProgrammer's checksum: a 32-bit wrapping sum of the bytes. ST's CheckSum
/// (Loader_Src.c, every ST loader) reads aligned words and adds their bytes, skipping the
/// bytes before an unaligned start and after an unaligned end; for every range that is
/// the plain byte sum implemented here. (ST's code truncates Size to 8 bits in its tail
/// test and mishandles a range unaligned at both ends; this does not copy those bugs.)
enum ByteSum {
    /// Reads through the memory-mapped window with byte loads.
    static func sum(from address: UInt32, count: UInt32, initial: UInt32) -> UInt32 {
        var total = initial
        var index: UInt32 = 0
        while index < count {
            total &+= UInt32(loadByte(address &+ index))
            index += 1
        }
        return total
    }
}
