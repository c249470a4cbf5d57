/// A strictly validated ELF32 little-endian file.
///
/// Reading checks every table against the file before using it, so that afterwards the
/// accessors (`fileBytes(of:)`, `fileOffset(ofVirtualAddress:)`) cannot index out of range.
/// Nothing here knows about loaders: `LoaderFile` interprets the symbols and segments.
public struct ELFFile: Sendable {
    /// The file name used in messages (usually the last path component).
    public let name: String
    public let bytes: [UInt8]
    public let header: ELFHeader
    public let programHeaders: [ProgramHeader]
    public let sections: [Section]
    /// `.symtab` entries without the leading null symbol, in table order.
    public let symbols: [Symbol]
    /// Whether the file has a `.symtab` (a stripped file has none).
    public let hasSymbolTable: Bool

    public var entry: UInt32 { header.entry }
    public var flags: UInt32 { header.flags }

    public init(bytes: [UInt8], name: String) throws(ELFError) {
        let reader = ByteReader(bytes: bytes, file: name)
        self.name = name
        self.bytes = bytes
        self.header = try Self.readHeader(reader)
        self.programHeaders = try Self.readProgramHeaders(reader, header: header)
        self.sections = try Self.readSections(reader, header: header)
        (self.symbols, self.hasSymbolTable) = try Self.readSymbols(reader, sections: sections)
    }

    // MARK: Lookups

    /// The symbol called `name`, preferring a defined global over locals and undefined references.
    public func symbol(named name: String) -> Symbol? {
        let matches = symbols.filter { $0.name == name }
        return matches.first { $0.isDefined && $0.binding == .global }
            ?? matches.first { $0.isDefined && $0.isGlobal }
            ?? matches.first { $0.isDefined }
            ?? matches.first
    }

    public func section(named name: String) -> Section? {
        sections.first { $0.name == name }
    }

    public func section(at index: Int) -> Section? {
        sections.indices.contains(index) ? sections[index] : nil
    }

    /// The bytes the segment holds in the file (`p_filesz` bytes at `p_offset`); empty for a
    /// header that does not belong to this file's validated table.
    public func fileBytes(of segment: ProgramHeader) -> [UInt8] {
        slice(offset: Int(segment.offset), count: Int(segment.fileSize))
    }

    /// The bytes of a section in the file; empty for `SHT_NOBITS`.
    public func fileBytes(of section: Section) -> [UInt8] {
        guard section.hasFileBytes else { return [] }
        return slice(offset: Int(section.offset), count: Int(section.size))
    }

    /// Where the byte at virtual address `address` is stored in the file, looking through
    /// `PT_LOAD` file bytes (not the zero-filled `memsz` tail). The first segment in table
    /// order wins when segments overlap.
    public func fileOffset(ofVirtualAddress address: UInt32) -> Int? {
        for segment in programHeaders where segment.isLoad {
            let start = UInt64(segment.virtualAddress)
            let value = UInt64(address)
            if value >= start, value < start + UInt64(segment.fileSize) {
                return Int(segment.offset) + Int(value - start)
            }
        }
        return nil
    }

    /// Where a defined symbol's bytes are in the file, for patching data objects such as
    /// `StorageInfo`. Through the symbol's section when it has one (right even when segments
    /// overlap in address, as with ST's GCC loader script), else through the `PT_LOAD` segments.
    public func fileOffset(of symbol: Symbol) -> Int? {
        if let section = section(at: Int(symbol.sectionIndex)), section.hasFileBytes,
           symbol.value >= section.address, symbol.value - section.address < max(1, section.size) {
            return Int(section.offset) + Int(symbol.value - section.address)
        }
        guard symbol.sectionIndex != Symbol.sectionAbsolute else { return nil }
        return fileOffset(ofVirtualAddress: symbol.value)
    }

    /// `count` file-backed bytes starting at virtual address `address`, if all lie in one segment.
    public func bytes(atVirtualAddress address: UInt32, count: Int) -> [UInt8]? {
        guard count >= 0, let offset = fileOffset(ofVirtualAddress: address) else { return nil }
        guard count > 0 else { return [] }
        let (last, overflow) = address.addingReportingOverflow(UInt32(clamping: count - 1))
        guard !overflow, let lastOffset = fileOffset(ofVirtualAddress: last), lastOffset == offset + count - 1 else { return nil }
        return slice(offset: offset, count: count)
    }

    /// The function containing `address` and the offset into it, for naming a faulting PC:
    /// `(name: "Write", offset: 0x1A)`. Thumb bits are cleared on both sides. A function of
    /// size 0 matches only its own address.
    public func symbolize(address: UInt32) -> (name: String, offset: UInt32)? {
        let pc = UInt64(address & ~1)
        var best: Symbol?
        for symbol in symbols where symbol.kind == .function && symbol.isDefined {
            let start = UInt64(symbol.codeAddress)
            let contains = symbol.size == 0 ? pc == start : (pc >= start && pc < start + UInt64(symbol.size))
            guard contains else { continue }
            // Prefer the innermost (smallest) and then global definition when symbols alias.
            if let current = best {
                if symbol.size < current.size || (symbol.size == current.size && symbol.isGlobal && !current.isGlobal) {
                    best = symbol
                }
            } else {
                best = symbol
            }
        }
        guard let best else { return nil }
        return (best.name, UInt32(pc - UInt64(best.codeAddress)))
    }

    private func slice(offset: Int, count: Int) -> [UInt8] {
        guard let end = ByteReader(bytes: bytes, file: name).end(of: offset, count: count) else { return [] }
        return Array(bytes[offset..<end])
    }
}

// MARK: Reading

extension ELFFile {
    private static func readHeader(_ reader: ByteReader) throws(ELFError) -> ELFHeader {
        let file = reader.file
        let magic: [UInt8] = [0x7F, 0x45, 0x4C, 0x46]
        guard reader.bytes.count >= 4, Array(reader.bytes[0..<4]) == magic else {
            let found = reader.bytes.prefix(4).map { hex($0, digits: 2) }.joined(separator: " ")
            throw ELFError(
                file: file, fileOffset: 0, kind: .notELF,
                detail: "not an ELF file: expected the magic 0x7F 'E' 'L' 'F' at file offset 0x0, found \(found.isEmpty ? "an empty file" : found)"
            )
        }
        guard reader.bytes.count >= ELFHeader.size else {
            throw ELFError(
                file: file, fileOffset: reader.bytes.count, kind: .truncated,
                detail: "the file is \(reader.bytes.count) bytes, shorter than the 52-byte ELF32 header (truncated at file offset \(hex(reader.bytes.count)))"
            )
        }
        let elfClass = try reader.u8(at: 4)
        guard elfClass == 1 else {
            throw ELFError(
                file: file, fileOffset: 4, kind: .unsupported,
                detail: "EI_CLASS at file offset 0x4 is \(elfClass)\(elfClass == 2 ? " (64-bit)" : ""); expected 1 (ELF32)"
            )
        }
        let encoding = try reader.u8(at: 5)
        guard encoding == 1 else {
            throw ELFError(
                file: file, fileOffset: 5, kind: .unsupported,
                detail: "EI_DATA at file offset 0x5 is \(encoding)\(encoding == 2 ? " (big-endian)" : ""); expected 1 (little-endian)"
            )
        }
        let identVersion = try reader.u8(at: 6)
        guard identVersion == 1 else {
            throw ELFError(
                file: file, fileOffset: 6, kind: .malformed,
                detail: "EI_VERSION at file offset 0x6 is \(identVersion); expected 1"
            )
        }
        return ELFHeader(
            type: try reader.u16(at: 16),
            machine: try reader.u16(at: 18),
            version: try reader.u32(at: 20),
            entry: try reader.u32(at: 24),
            programHeaderOffset: try reader.u32(at: 28),
            sectionHeaderOffset: try reader.u32(at: 32),
            flags: try reader.u32(at: 36),
            headerSize: try reader.u16(at: 40),
            programHeaderEntrySize: try reader.u16(at: 42),
            programHeaderCount: try reader.u16(at: 44),
            sectionHeaderEntrySize: try reader.u16(at: 46),
            sectionHeaderCount: try reader.u16(at: 48),
            sectionNameTableIndex: try reader.u16(at: 50)
        )
    }

    /// Checks that a table of `count` entries of `entrySize` bytes at `offset` lies in the file.
    private static func requireTable(
        _ reader: ByteReader, name: String, offset: UInt32, count: UInt16, entrySize: UInt16,
        expectedEntrySize: Int, entrySizeFieldOffset: Int
    ) throws(ELFError) {
        guard Int(entrySize) == expectedEntrySize else {
            throw ELFError(
                file: reader.file, fileOffset: entrySizeFieldOffset, kind: .malformed,
                detail: "the ELF header at file offset \(hex(entrySizeFieldOffset)) gives \(name) entries of \(entrySize) bytes; ELF32 uses \(expectedEntrySize)"
            )
        }
        let total = Int(count) * Int(entrySize)  // at most 65535 * 65535: fits in Int
        guard reader.end(of: Int(offset), count: total) != nil else {
            throw ELFError(
                file: reader.file, fileOffset: Int(offset), kind: .outOfBounds,
                detail: "the \(name) table (\(count) entries of \(entrySize) bytes at file offset \(hex(offset))) points past the end of the file (\(hex(offset)) + \(hex(total)) > \(hex(reader.bytes.count)))"
            )
        }
    }

    private static func readProgramHeaders(_ reader: ByteReader, header: ELFHeader) throws(ELFError) -> [ProgramHeader] {
        guard header.programHeaderCount > 0 else { return [] }
        try requireTable(
            reader, name: "program header", offset: header.programHeaderOffset, count: header.programHeaderCount,
            entrySize: header.programHeaderEntrySize, expectedEntrySize: ProgramHeader.size, entrySizeFieldOffset: 42
        )
        var result: [ProgramHeader] = []
        result.reserveCapacity(Int(header.programHeaderCount))
        for index in 0..<Int(header.programHeaderCount) {
            let at = Int(header.programHeaderOffset) + index * ProgramHeader.size
            let segment = ProgramHeader(
                index: index,
                type: try reader.u32(at: at),
                offset: try reader.u32(at: at + 4),
                virtualAddress: try reader.u32(at: at + 8),
                physicalAddress: try reader.u32(at: at + 12),
                fileSize: try reader.u32(at: at + 16),
                memorySize: try reader.u32(at: at + 20),
                flags: try reader.u32(at: at + 24),
                alignment: try reader.u32(at: at + 28)
            )
            if segment.type != ProgramHeader.typeNull {
                try reader.require(
                    offset: Int(segment.offset), count: Int(segment.fileSize),
                    what: "program header \(index) at file offset \(hex(at))", at: at
                )
            }
            if segment.isLoad {
                guard segment.fileSize <= segment.memorySize else {
                    throw ELFError(
                        file: reader.file, fileOffset: at + 16, kind: .malformed,
                        detail: "program header \(index) at file offset \(hex(at)) has p_filesz \(hex(segment.fileSize)) larger than p_memsz \(hex(segment.memorySize))"
                    )
                }
                guard segment.memoryRange.upperBound <= 1 << 32 else {
                    throw ELFError(
                        file: reader.file, fileOffset: at + 8, kind: .malformed,
                        detail: "program header \(index) at file offset \(hex(at)) runs past the end of the 32-bit address space (\(hex(segment.virtualAddress)) + \(hex(segment.memorySize)))"
                    )
                }
            }
            result.append(segment)
        }
        return result
    }

    private static func readSections(_ reader: ByteReader, header: ELFHeader) throws(ELFError) -> [Section] {
        if header.sectionHeaderCount == 0 {
            // e_shnum = 0 with e_shoff != 0 means the real count is in section 0's sh_size
            // (extended numbering, for more than 0xFF00 sections): no loader needs it.
            guard header.sectionHeaderOffset == 0 else {
                throw ELFError(
                    file: reader.file, fileOffset: 48, kind: .unsupported,
                    detail: "e_shnum at file offset 0x30 is 0 with a section header table at \(hex(header.sectionHeaderOffset)) (extended section numbering), which this reader does not support"
                )
            }
            return []
        }
        try requireTable(
            reader, name: "section header", offset: header.sectionHeaderOffset, count: header.sectionHeaderCount,
            entrySize: header.sectionHeaderEntrySize, expectedEntrySize: Section.size, entrySizeFieldOffset: 46
        )
        var sections: [Section] = []
        var nameOffsets: [(UInt32, Int)] = []
        sections.reserveCapacity(Int(header.sectionHeaderCount))
        for index in 0..<Int(header.sectionHeaderCount) {
            let at = Int(header.sectionHeaderOffset) + index * Section.size
            let section = Section(
                index: index, name: "",
                type: try reader.u32(at: at + 4),
                flags: try reader.u32(at: at + 8),
                address: try reader.u32(at: at + 12),
                offset: try reader.u32(at: at + 16),
                size: try reader.u32(at: at + 20),
                link: try reader.u32(at: at + 24),
                info: try reader.u32(at: at + 28),
                alignment: try reader.u32(at: at + 32),
                entrySize: try reader.u32(at: at + 36)
            )
            if section.hasFileBytes {
                try reader.require(
                    offset: Int(section.offset), count: Int(section.size),
                    what: "section header \(index) at file offset \(hex(at))", at: at
                )
            }
            sections.append(section)
            nameOffsets.append((try reader.u32(at: at), at))
        }

        let nameTableIndex = Int(header.sectionNameTableIndex)
        guard nameTableIndex != 0 else { return sections }  // SHN_UNDEF: sections have no names
        guard nameTableIndex < sections.count else {
            throw ELFError(
                file: reader.file, fileOffset: 50, kind: .outOfBounds,
                detail: "e_shstrndx at file offset 0x32 is \(nameTableIndex), but the file has only \(sections.count) sections"
            )
        }
        let nameTable = sections[nameTableIndex]
        guard nameTable.type == Section.typeStringTable else {
            throw ELFError(
                file: reader.file, fileOffset: Int(header.sectionHeaderOffset) + nameTableIndex * Section.size + 4, kind: .malformed,
                detail: "section \(nameTableIndex), named by e_shstrndx as the section name table, has type \(nameTable.type); expected 3 (SHT_STRTAB)"
            )
        }
        for index in sections.indices {
            let (nameOffset, at) = nameOffsets[index]
            sections[index].name = try reader.string(
                in: nameTable, tableName: "the section name table (section \(nameTableIndex))", at: nameOffset, owner: "section header \(index)", location: at)
        }
        return sections
    }

    private static func readSymbols(_ reader: ByteReader, sections: [Section]) throws(ELFError) -> ([Symbol], Bool) {
        guard let table = sections.first(where: { $0.type == Section.typeSymbolTable }) else { return ([], false) }
        guard table.entrySize == UInt32(Symbol.size) else {
            throw ELFError(
                file: reader.file, fileOffset: Int(table.offset), kind: .malformed,
                detail: "symbol table \(table.displayName) at file offset \(hex(table.offset)) has sh_entsize \(table.entrySize); ELF32 symbols are 16 bytes"
            )
        }
        guard table.size % UInt32(Symbol.size) == 0 else {
            throw ELFError(
                file: reader.file, fileOffset: Int(table.offset), kind: .malformed,
                detail: "symbol table \(table.displayName) at file offset \(hex(table.offset)) is \(hex(table.size)) bytes, not a multiple of the 16-byte symbol size"
            )
        }
        guard Int(table.link) < sections.count, table.link != 0, sections[Int(table.link)].type == Section.typeStringTable else {
            throw ELFError(
                file: reader.file, fileOffset: Int(table.offset), kind: .malformed,
                detail: "symbol table \(table.displayName) links to section \(table.link) for its names, which is not a string table"
            )
        }
        let strings = sections[Int(table.link)]
        let count = Int(table.size) / Symbol.size
        var symbols: [Symbol] = []
        symbols.reserveCapacity(max(0, count - 1))
        for index in 1..<max(1, count) {
            let at = Int(table.offset) + index * Symbol.size
            let info = try reader.u8(at: at + 12)
            symbols.append(Symbol(
                name: try reader.string(in: strings, at: try reader.u32(at: at), owner: "symbol \(index)", location: at),
                value: try reader.u32(at: at + 4),
                size: try reader.u32(at: at + 8),
                kind: Symbol.Kind(raw: info & 0xF),
                binding: Symbol.Binding(raw: info >> 4),
                sectionIndex: try reader.u16(at: at + 14),
                fileOffset: at
            ))
        }
        return (symbols, true)
    }
}
