/// Little-endian reads over the whole file where every access is bounds-checked with
/// overflow-safe arithmetic: a hostile offset gives an `ELFError`, never a trap.
struct ByteReader {
    let bytes: [UInt8]
    let file: String

    /// `offset + count`, or nil when the range does not lie in the file (or overflows).
    func end(of offset: Int, count: Int) -> Int? {
        guard offset >= 0, count >= 0 else { return nil }
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard !overflow, end <= bytes.count else { return nil }
        return end
    }

    /// Throws unless `count` bytes at `offset` lie in the file. `what` names the structure that
    /// holds the offset, and `location` is where that structure sits.
    func require(offset: Int, count: Int, what: @autoclosure () -> String, at location: Int) throws(ELFError) {
        guard end(of: offset, count: count) == nil else { return }
        throw ELFError(
            file: file, fileOffset: location, kind: .outOfBounds,
            detail: "\(what()) points past the end of the file (\(hex(offset)) + \(hex(count)) > \(hex(bytes.count)))"
        )
    }

    func u8(at offset: Int) throws(ELFError) -> UInt8 {
        try require(offset: offset, count: 1, what: "the byte at file offset \(hex(offset))", at: offset)
        return bytes[offset]
    }

    func u16(at offset: Int) throws(ELFError) -> UInt16 {
        try require(offset: offset, count: 2, what: "the 16-bit field at file offset \(hex(offset))", at: offset)
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    func u32(at offset: Int) throws(ELFError) -> UInt32 {
        try require(offset: offset, count: 4, what: "the 32-bit field at file offset \(hex(offset))", at: offset)
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
            | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    /// The NUL-terminated string `index` bytes into string table `table` (already bounds-checked
    /// against the file when the section headers were read).
    func string(
        in table: Section, tableName: String? = nil, at index: UInt32, owner: @autoclosure () -> String, location: Int
    ) throws(ELFError) -> String {
        let tableName = tableName ?? "string table \(table.displayName)"
        guard index < table.size else {
            throw ELFError(
                file: file, fileOffset: location, kind: .outOfBounds,
                detail: "\(owner()) at file offset \(hex(location)) has name offset \(hex(index)), past the end of \(tableName) (size \(hex(table.size)))"
            )
        }
        let start = Int(table.offset) + Int(index)
        let limit = Int(table.offset) + Int(table.size)
        guard let terminator = bytes[start..<limit].firstIndex(of: 0) else {
            throw ELFError(
                file: file, fileOffset: start, kind: .malformed,
                detail: "\(owner()) at file offset \(hex(location)): its name at file offset \(hex(start)) is not NUL-terminated before the end of \(tableName)"
            )
        }
        return String(decoding: bytes[start..<terminator], as: UTF8.self)
    }
}
